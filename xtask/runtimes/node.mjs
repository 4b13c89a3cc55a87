// Node: net.createServer().listen(0) (no host: ::), net.connect, and
// dgram.createSocket('udp4').bind(0), each with its defaults.
import net from 'node:net';
import dgram from 'node:dgram';

const server = net.createServer(() => {});
server.listen(0, () => {
  const client = net.connect(server.address().port, '127.0.0.1', () => {
    const udp = dgram.createSocket('udp4');
    udp.bind(0, () => {
      process.stdout.write('ready\n');
      process.stdin.resume();
      process.stdin.on('end', () => process.exit(0));
    });
  });
  client.on('error', (e) => { console.error(e); process.exit(1); });
});
