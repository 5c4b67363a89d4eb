% rebase('base.tpl')
<p>This page is negotiated: ask for <code>application/json</code> in <code>Accept</code> to get JSON.
This response is <strong id="negotiated">{{negotiated}}</strong>.</p>
<table>
  <tbody>
  % for name, value in headers.items():
    <tr><th scope="row">{{name}}</th><td>{{value}}</td></tr>
  % end
    <tr><th scope="row">Preferred languages</th><td>{{', '.join(languages) or 'none'}}</td></tr>
  </tbody>
</table>
<p>Every response also carries security headers: a Content-Security-Policy, X-Frame-Options,
X-Content-Type-Options and a Referrer-Policy.</p>
