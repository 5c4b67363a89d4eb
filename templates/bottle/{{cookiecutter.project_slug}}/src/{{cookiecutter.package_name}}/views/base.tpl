<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{title}} · {{project_name}}</title>
  <link rel="stylesheet" href="/static/style.css">
</head>
<body class="theme-{{theme}}">
  <header>
    <a class="home" href="/">{{project_name}}</a>
    <nav>
      <a href="/contact">Contact</a>
      <a href="/preferences">Preferences</a>
      <a href="/uploads">Uploads</a>
      <a href="/headers">Headers</a>
    </nav>
  </header>
  <main>
    <h1>{{title}}</h1>
    {{!base}}
  </main>
</body>
</html>
