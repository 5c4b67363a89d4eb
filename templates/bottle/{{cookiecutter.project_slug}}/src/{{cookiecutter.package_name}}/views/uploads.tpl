% rebase('base.tpl')
% if error:
<p class="error" role="alert" id="file-error">{{error}}</p>
% end
% if added:
<p class="notice" role="status" id="added">Stored “{{added['name']}}”.
  % if added['name'] != added['original_name']:
  Its name was changed from “{{added['original_name']}}”: names lose any folders, and a name already taken gets a number.
  % end
</p>
% end
<form method="post" action="{{url('uploads')}}" enctype="multipart/form-data">
  <input type="hidden" name="csrf_token" value="{{csrf_token()}}">
  <label for="file">File ({{', '.join(extensions)}}; at most {{max_bytes}} bytes)</label>
  <input id="file" name="file" type="file" accept="{{','.join(extensions)}}" required{{!' aria-invalid="true" aria-describedby="file-error"' if error else ''}}>
  <button type="submit">Upload</button>
</form>
<form method="get" action="{{url('uploads')}}" role="search">
  <label for="q">File name contains</label>
  <input id="q" name="q" type="search" value="{{search}}">
  <button type="submit">Search</button>
</form>
% if uploads:
<table>
  <thead><tr><th>File</th><th>Size (bytes)</th><th>Uploaded (UTC)</th></tr></thead>
  <tbody>
  % for upload in uploads:
    <tr><td><a href="{{download_url(upload['name'])}}">{{upload['name']}}</a></td><td>{{upload['size']}}</td><td>{{upload['created_at']}}</td></tr>
  % end
  </tbody>
</table>
% elif search:
<p id="no-match">No file name contains “{{search}}”.</p>
% else:
<p>Nothing uploaded yet.</p>
% end
