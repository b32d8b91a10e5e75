'use strict'
// Whereabouts' local DynamoDB engine: dynalite on loopback, started by the runner, the tests and
// the benchmarks (dev.whereabouts.engine.DynamoDbEngine). It prints {"port":N} once it listens, and
// it ends as soon as its standard input closes, so it never outlives the Java process that
// started it, however that process ends (exit, Ctrl-C, kill, kill -9, a crash).
//
//   node engine.js [--path DIR] [--port N]
//     in memory without --path, on disk (LevelDB) in DIR with it; on a port the OS picks without
//     --port, on N with it (a restart keeps its clients' endpoint)
const dynalite = require('dynalite')

const args = process.argv.slice(2)
const pathAt = args.indexOf('--path')
const options = {
  // Tables are ACTIVE at once: on AWS they take seconds, but nothing here waits for them.
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0
}
if (pathAt >= 0) options.path = args[pathAt + 1]
const portAt = args.indexOf('--port')
const port = portAt >= 0 ? Number(args[portAt + 1]) : 0

const server = dynalite(options)
let stopping = false
function stop () {
  if (stopping) return
  stopping = true
  setTimeout(() => process.exit(0), 2000).unref()
  server.close(() => process.exit(0))
}

server.on('error', (e) => {
  process.stderr.write(`dynalite: ${e.message}\n`)
  process.exit(1)
})
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n')
})
process.stdin.on('end', stop)
process.stdin.on('error', stop)
process.stdin.resume()
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
