// The live feed: messages arrive over the WebSocket, and the form posts through it too.
// A file, not an inline script, so the Content-Security-Policy can forbid inline code.
const feed = document.getElementById("feed");
const scheme = location.protocol === "https:" ? "wss://" : "ws://";
const socket = new WebSocket(scheme + location.host + feed.dataset.socket);

socket.onmessage = (event) => {
  const data = JSON.parse(event.data);
  if (!data.message) return;
  const item = document.createElement("li");
  item.textContent = data.message.text;
  feed.append(item);
};

document.getElementById("post").onsubmit = (event) => {
  event.preventDefault();
  socket.send(JSON.stringify({ text: event.target.text.value }));
  event.target.reset();
};
