% rebase('base.tpl')
<p>Thank you: your message was received.</p>
<p><a href="/contact">Send another message</a></p>
