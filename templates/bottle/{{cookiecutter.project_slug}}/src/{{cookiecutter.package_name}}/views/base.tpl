<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{title}} · {{project_name}}</title>
  <meta name="description" content="{{description}}">
  <link rel="icon" href="{{url('static', path='favicon.svg')}}" type="image/svg+xml">
  <link rel="stylesheet" href="{{url('static', path='style.css')}}">
</head>
<body class="theme-{{theme}}">
  <header>
    <a class="home" href="{{url('index')}}">{{project_name}}</a>
    <nav>
      <a href="{{url('contact')}}">Contact</a>
      <a href="{{url('preferences')}}">Preferences</a>
      <a href="{{url('uploads')}}">Uploads</a>
      <a href="{{url('headers')}}">Headers</a>
    </nav>
  </header>
  <main>
    <h1>{{title}}</h1>
    {{!base}}
  </main>
</body>
</html>
