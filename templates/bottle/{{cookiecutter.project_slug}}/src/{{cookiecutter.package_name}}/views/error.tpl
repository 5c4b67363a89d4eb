% rebase('base.tpl')
<p class="error">{{error.body}}</p>
<p><a href="/">Back to the home page</a></p>
