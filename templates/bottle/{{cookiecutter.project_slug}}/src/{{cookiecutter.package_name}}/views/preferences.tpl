% rebase('base.tpl')
% if tampered:
<p class="error" role="alert">Your preferences cookie failed its signature check and was discarded.</p>
% end
% if error:
<p class="error" role="alert" id="theme-error">{{error}}</p>
% end
<p>Your theme is <strong id="theme">{{theme}}</strong>. It is kept in a signed cookie, so it cannot be
altered without the server noticing.</p>
<form method="post" action="{{url('preferences')}}">
  <input type="hidden" name="csrf_token" value="{{csrf_token()}}">
  <fieldset{{!' aria-describedby="theme-error"' if error else ''}}>
    <legend>Theme</legend>
    % for choice in themes:
    <label><input type="radio" name="theme" value="{{choice}}" {{'checked' if choice == theme else ''}}> {{choice}}</label>
    % end
  </fieldset>
  <button type="submit">Save</button>
</form>
