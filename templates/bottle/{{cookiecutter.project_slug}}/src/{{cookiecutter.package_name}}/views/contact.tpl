% rebase('base.tpl')
% if errors:
<p class="error" role="alert">Please correct the fields marked below.</p>
% end
<form method="post" action="{{url('contact')}}" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token()}}">
% for field, label, kind in (('name', 'Name', 'text'), ('email', 'Email', 'email'), ('message', 'Message', None)):
  % attributes = f'id="{field}" name="{field}" required'
  % if field in errors:
  %   attributes += f' aria-invalid="true" aria-describedby="{field}-error"'
  % end
  <label for="{{field}}">{{label}}</label>
  % if kind:
  <input {{!attributes}} type="{{kind}}" maxlength="{{limits[field]}}" value="{{form.get(field, '')}}">
  % else:
  <textarea {{!attributes}} maxlength="{{limits[field]}}" rows="6">{{form.get(field, '')}}</textarea>
  % end
  % if field in errors:
  <p class="field-error" id="{{field}}-error">{{errors[field]}}</p>
  % end
% end
  <button type="submit">Send</button>
</form>
