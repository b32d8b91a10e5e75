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

// Every web page can reach a loopback port through the browser, and dynalite answers any Origin
// with Access-Control-Allow-Origin: *. The engine serves the runner and the SDK only: a request
// with an Origin, any method but POST (OPTIONS preflights included), or a Host that is not a
// loopback name (DNS rebinding) is refused before dynalite sees it. Any port: a relay in front
// of the engine (the tests' connection counters) passes its own.
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/
function refusal (req) {
  if (req.headers.origin !== undefined) return 'The engine answers no web page (a request with an Origin).'
  if (req.method !== 'POST') return 'DynamoDB takes POST only.'
  if (!LOOPBACK_HOST.test((req.headers.host || '').toLowerCase())) {
    return 'The engine answers only for its loopback host names.'
  }
  return null
}
const dynaliteHandlers = server.listeners('request')
server.removeAllListeners('request')
server.on('request', (req, res) => {
  const refused = refusal(req)
  if (refused === null) {
    dynaliteHandlers.forEach((handler) => handler.call(server, req, res))
    return
  }
  const body = JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#AccessDeniedException',
    message: refused
  })
  res.writeHead(403, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close'
  })
  res.end(body)
  req.resume()
})
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
