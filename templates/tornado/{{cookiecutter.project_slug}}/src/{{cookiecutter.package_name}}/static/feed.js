// The live feed: messages arrive over the WebSocket; if it cannot connect, by long polling.
// It reconnects with backoff after a restart, resumes from the last id it showed (so nothing is
// shown twice), and posts over HTTP so a failed post is reported, never silently lost.
// A file, not an inline script, so the Content-Security-Policy can forbid inline code.
const feed = document.getElementById("feed");
const form = document.getElementById("post");
const status = document.getElementById("status");
let cursor = 0;
// A restart usually takes a second or two: the first retries come soon, then farther apart.
const FIRST_RETRY_MS = 250;
let backoff = FIRST_RETRY_MS;
let socketFailures = 0;
// Sockets that never opened, in a row, before falling back to long polling: about 4 s of
// retries, so a restart stays on WebSockets and a proxy that drops them is found soon.
const MAX_SOCKET_FAILURES = 6;

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
  // Jittered, so the pages of a restarted server do not all come back at the same instant.
  const delay = backoff * (0.5 + Math.random() / 2);
  say(`disconnected; retrying in ${(delay / 1000).toFixed(1)} s`);
  setTimeout(connect, delay);
  backoff = Math.min(backoff * 1.5, 30000);
}

function connectSocket() {
  // e.g. a proxy that does not pass WebSockets
  if (socketFailures >= MAX_SOCKET_FAILURES) return poll();
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  const socket = new WebSocket(`${scheme}${location.host}${feed.dataset.socket}?cursor=${cursor}`);
  let opened = false;
  socket.onopen = () => {
    opened = true;
    socketFailures = 0;
    backoff = FIRST_RETRY_MS;
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
    backoff = FIRST_RETRY_MS;
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
