% rebase('base.tpl')
% if errors:
<p class="error" role="alert">Please correct the fields marked below.</p>
% end
<form method="post" action="/contact" novalidate>
  <input type="hidden" name="csrf_token" value="{{csrf_token}}">
  <label for="name">Name</label>
  <input id="name" name="name" maxlength="100" value="{{form.get('name', '')}}" required>
  % if 'name' in errors:
  <p class="field-error" id="name-error">{{errors['name']}}</p>
  % end
  <label for="email">Email</label>
  <input id="email" name="email" type="email" maxlength="254" value="{{form.get('email', '')}}" required>
  % if 'email' in errors:
  <p class="field-error" id="email-error">{{errors['email']}}</p>
  % end
  <label for="message">Message</label>
  <textarea id="message" name="message" maxlength="2000" rows="6" required>{{form.get('message', '')}}</textarea>
  % if 'message' in errors:
  <p class="field-error" id="message-error">{{errors['message']}}</p>
  % end
  <button type="submit">Send</button>
</form>
