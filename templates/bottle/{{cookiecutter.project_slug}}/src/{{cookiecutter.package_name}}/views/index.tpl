% rebase('base.tpl')
<p>Welcome to <strong>{{project_name}}</strong>, a Bottle application.</p>
<ul>
  <li><a href="{{url('contact')}}">Contact</a>: a form validated on the server, protected against CSRF.</li>
  <li><a href="{{url('preferences')}}">Preferences</a>: a theme kept in a signed cookie.</li>
  <li><a href="{{url('uploads')}}">Uploads</a>: upload, list and download files.</li>
  <li><a href="{{url('headers')}}">Headers</a>: what your browser sends, as HTML or JSON.</li>
  <li><a href="{{url('health')}}">Health</a>: the JSON status for monitoring.</li>
</ul>
