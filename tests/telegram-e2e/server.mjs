// Starts the telegram-test-api emulator for wenda's end-to-end Telegram test
// (bot/emulator_test.go). Usage: node server.mjs PORT
// Prints "listening <apiURL>" once ready; stops on SIGTERM/SIGINT or when stdin closes, so
// the emulator never outlives the test that started it.
import TelegramServer from 'telegram-test-api';

const port = Number(process.argv[2] || 9000);
const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
await server.start();
console.log(`listening ${server.config.apiURL}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
