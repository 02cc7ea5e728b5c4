/**
 * The baseline of the real-time benchmark: a bare Socket.IO server on the same settings (WebSocket, 25 s
 * pings) answering the same heartbeat the same way, with nothing else. Prints its port when listening.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.argv[2] ?? 0);
const heartbeatSeconds = Number(process.argv[3] ?? 25);
const http = createServer();
const io = new Server(http, { pingInterval: heartbeatSeconds * 1000 });

io.on('connection', (socket) => {
  socket.emit('connected', { connection_id: socket.id, server_time: new Date().toISOString() });
  socket.on('service_message', (payload: unknown, ack?: (reply: unknown) => void) => {
    const reply = { timestamp: new Date().toISOString() };
    socket.emit('heartbeat_ack', reply);
    if (typeof ack === 'function') ack(reply);
  });
});

http.listen(port, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : port}\n`);
});
process.on('SIGTERM', () => {
  void io.close();
  http.close(() => process.exit(0));
});
