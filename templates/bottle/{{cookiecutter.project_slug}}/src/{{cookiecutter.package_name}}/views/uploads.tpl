% rebase('base.tpl')
% if error:
<p class="error" role="alert">{{error}}</p>
% end
<form method="post" action="/uploads" enctype="multipart/form-data">
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <label for="file">File ({{', '.join(extensions)}}; at most {{max_bytes}} bytes)</label>
  <input id="file" name="file" type="file" accept="{{','.join(extensions)}}" required>
  <button type="submit">Upload</button>
</form>
<form method="get" action="/uploads" role="search">
  <label for="q">File name contains</label>
  <input id="q" name="q" type="search" value="{{search}}">
  <button type="submit">Search</button>
</form>
% if uploads:
<table>
  <thead><tr><th>File</th><th>Size (bytes)</th></tr></thead>
  <tbody>
  % for upload in uploads:
    <tr><td><a href="{{upload['url']}}">{{upload['name']}}</a></td><td>{{upload['size']}}</td></tr>
  % end
  </tbody>
</table>
% elif search:
<p id="no-match">No file name contains “{{search}}”.</p>
% else:
<p>Nothing uploaded yet.</p>
% end
