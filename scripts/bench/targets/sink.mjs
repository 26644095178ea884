// Upload sink for the streaming test: counts the request body's bytes and
// answers 200 with the count. Runs on the machine's Node behind nginx.
import http from "node:http";

const server = http.createServer((req, res) => {
  let bytes = 0;
  req.on("data", (chunk) => (bytes += chunk.length));
  req.on("end", () => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(String(bytes));
  });
});
server.keepAliveTimeout = 120_000;
server.listen(Number(process.env.PORT), "127.0.0.1", () => {
  console.log(`sink listening on ${server.address().port}`);
});
