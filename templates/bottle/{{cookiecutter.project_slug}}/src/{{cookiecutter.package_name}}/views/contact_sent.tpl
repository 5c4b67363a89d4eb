% rebase('base.tpl')
<p>Thank you: your message was received.</p>
<p><a href="{{url('contact')}}">Send another message</a></p>
