// node-opcua's client as the load generator of the OPC UA bench (run with tests/peers as the working directory).
// node node-client.js sessions <url> <seconds> <certFolder>
//   Full secure connects, one after the other, for <seconds>: OPN (Basic256Sha256, SignAndEncrypt), CreateSession,
//   ActivateSession (Anonymous), CloseSession, CLO. Prints {"count":N,"seconds":S}.
// node node-client.js reads <url> <seconds> <certFolder> <outstanding> <nodeId>
//   One secure session; <outstanding> read loops of one Value read each. Prints {"count":N,"seconds":S,"cpuMicroseconds":C},
//   C being this client process's own user+system CPU over the timed loops.
// certFolder holds client.pem, client.key and pki/ (trusted CA and CRL).
const path = require("path");
const opcua = require(path.join(process.cwd(), "node_modules", "node-opcua"));

const [, , mode, url, secondsText, certFolder, outstandingText, nodeId] = process.argv;
const seconds = parseFloat(secondsText);

function client() {
    return opcua.OPCUAClient.create({
        endpointMustExist: false,
        securityMode: opcua.MessageSecurityMode.SignAndEncrypt,
        securityPolicy: opcua.SecurityPolicy.Basic256Sha256,
        connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
        certificateFile: path.join(certFolder, "client.pem"),
        privateKeyFile: path.join(certFolder, "client.key"),
        applicationUri: "urn:planttrust:bench:node-client",
        clientCertificateManager: new opcua.OPCUACertificateManager({ rootFolder: path.join(certFolder, "pki"), automaticallyAcceptUnknownCertificate: true }),
        keepSessionAlive: false,
    });
}

async function oneSession(c) {
    await c.connect(url);
    const session = await c.createSession();
    await session.close();
    await c.disconnect();
}

async function sessions() {
    const c = client();
    await oneSession(c); // warm-up: certificate manager, endpoints
    let count = 0;
    const start = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
    while (elapsed() < seconds) {
        await oneSession(c);
        count++;
    }
    return { count, seconds: elapsed() };
}

async function reads() {
    const c = client();
    await c.connect(url);
    const session = await c.createSession();
    const item = { nodeId, attributeId: opcua.AttributeIds.Value };
    for (let i = 0; i < 100; i++) await session.read(item);
    let count = 0;
    const cpuBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
    const loop = async () => {
        while (elapsed() < seconds) {
            const dv = await session.read(item);
            if (dv.statusCode.value !== 0) throw new Error("read failed: " + dv.statusCode.toString());
            count++;
        }
    };
    await Promise.all(Array.from({ length: parseInt(outstandingText, 10) }, loop));
    const cpu = process.cpuUsage(cpuBefore);
    const result = { count, seconds: elapsed(), cpuMicroseconds: cpu.user + cpu.system };
    await session.close();
    await c.disconnect();
    return result;
}

(mode === "sessions" ? sessions() : reads()).then((r) => {
    console.log(JSON.stringify(r));
    process.exit(0);
}).catch((e) => {
    console.error("FAILED " + (e && e.stack ? e.stack : e));
    process.exit(1);
});
