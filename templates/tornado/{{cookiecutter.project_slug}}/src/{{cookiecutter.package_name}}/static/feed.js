// The live feed: messages arrive over the WebSocket; if it cannot connect, by long polling.
// It reconnects with backoff after a restart, resumes from the last id it showed (so nothing is
// shown twice), and posts over HTTP so a failed post is reported, never silently lost.
// A file, not an inline script, so the Content-Security-Policy can forbid inline code.
const feed = document.getElementById("feed");
const form = document.getElementById("post");
const status = document.getElementById("status");
let cursor = 0;
let backoff = 500;
let socketFailures = 0;

function show(message) {
  if (message.id <= cursor) return; // already shown (a replay after reconnecting)
  cursor = message.id;
  const item = document.createElement("li");
  item.textContent = message.text;
  feed.append(item);
}

function say(text) {
  status.textContent = text;
}

function retryLater(connect) {
  say(`disconnected; retrying in ${Math.round(backoff / 1000)} s`);
  setTimeout(connect, backoff);
  backoff = Math.min(backoff * 2, 30000);
}

function connectSocket() {
  if (socketFailures >= 3) return poll(); // e.g. a proxy that does not pass WebSockets
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const socket = new WebSocket(`${scheme}${location.host}${feed.dataset.socket}?cursor=${cursor}`);
  let opened = false;
  socket.onopen = () => {
    opened = true;
    socketFailures = 0;
    backoff = 500;
    say("");
  };
  socket.onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (data.message) show(data.message);
    if (data.error) say(data.error);
  };
  socket.onclose = () => {
    if (!opened) socketFailures += 1;
    retryLater(connectSocket);
  };
}

async function poll() {
  try {
    const response = await fetch(`${feed.dataset.updates}?cursor=${cursor}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const data = await response.json();
    data.messages.forEach(show);
    backoff = 500;
    say("");
    poll();
  } catch (error) {
    retryLater(poll);
  }
}

form.onsubmit = async (event) => {
  event.preventDefault();
  const text = form.text.value.trim();
  if (!text) {
    say("write something first");
    return;
  }
  try {
    const response = await fetch(feed.dataset.messages, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text }),
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
    form.reset();
    say("");
  } catch (error) {
    say(`not posted: ${error.message}`); // the text stays in the field
  }
};

connectSocket();
