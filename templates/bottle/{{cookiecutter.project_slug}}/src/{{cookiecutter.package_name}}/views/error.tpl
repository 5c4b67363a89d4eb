% rebase('base.tpl')
<p class="error">{{error.body}}</p>
% if debug and error.traceback:
<h2>Traceback (development only)</h2>
<pre>{{error.traceback}}</pre>
% end
<p><a href="{{url('index')}}">Back to the home page</a></p>
