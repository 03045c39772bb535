// node-opcua side of the negative matrix (Part 4 §6.1.3, §5.6.3; Part 6 §6.7.4). One process per direction.
// node negative.js clients <cases.json>
//   For each case: node-opcua's certificate manager verdict on the client certificate with the case's server-side
//   trust folder (what a node-opcua server would decide), then a connect + createSession attempt against case.url.
//   Prints one JSON line: [{ name, verdict, connected, code, message }].
// node negative.js servers <config.json>
//   Starts one node-opcua server per entry (own certificate, policies), prints "VERDICTS <json>" with node-opcua's
//   certificate manager verdict on each server certificate under the client-side trust folder, then "READY <json>"
//   mapping names to endpoint URLs; stops when standard input closes.
const path = require("path");
const fs = require("fs");
const opcua = require(path.join(process.cwd(), "node_modules", "node-opcua"));

const [, , command, file] = process.argv;
const config = JSON.parse(fs.readFileSync(file, "utf8"));

// node-opcua's client decodes a transport ERR (Part 6 §7.1.5) but does not pass its status code to the caller; keep the
// last one it decoded so the code the server sent can be reported as node-opcua read it.
const transport = require(path.join(process.cwd(), "node_modules", "node-opcua-transport"));
let lastTransportError = null;
const reportError = transport.MessageBuilderBase.prototype._report_error;
transport.MessageBuilderBase.prototype._report_error = function (statusCode, message) {
    lastTransportError = statusCode && statusCode.name;
    return reportError.call(this, statusCode, message);
};

function withTimeout(promise, ms, what) {
    let timer;
    return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(what + " timed out")), ms); })]).finally(() => clearTimeout(timer));
}

function codeOf(e) {
    if (e && e.statusCode && e.statusCode.name && e.statusCode.name !== "Good") return e.statusCode.name;
    const m = /Bad[A-Za-z]+/.exec(String(e && e.message ? e.message : e));
    return m ? m[0] : null;
}

const managers = {};
async function verdict(pkiFolder, pemFile) {
    if (!pkiFolder) return null;
    if (!managers[pkiFolder]) {
        managers[pkiFolder] = new opcua.OPCUACertificateManager({ rootFolder: pkiFolder, automaticallyAcceptUnknownCertificate: false });
        await managers[pkiFolder].initialize();
    }
    const pem = fs.readFileSync(pemFile, "utf8");
    const der = Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
    const status = await new Promise((resolve, reject) => managers[pkiFolder].checkCertificate(der, (err, s) => err ? reject(err) : resolve(s)));
    return status.name;
}

async function attempt(c) {
    lastTransportError = null;
    const client = opcua.OPCUAClient.create({
        endpointMustExist: false,
        securityMode: opcua.MessageSecurityMode[c.mode],
        securityPolicy: opcua.SecurityPolicy[c.policy],
        connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
        requestedSessionTimeout: 60000,
        keepSessionAlive: false,
        certificateFile: c.cert,
        privateKeyFile: c.key,
        applicationUri: c.appUri,
        clientCertificateManager: new opcua.OPCUACertificateManager({ rootFolder: c.clientPki, automaticallyAcceptUnknownCertificate: true }),
        // With the server certificate given, node-opcua opens the secure channel at once instead of first matching the
        // policy against GetEndpoints: the server, not the client, decides about an unoffered policy.
        serverCertificate: c.serverCertificate ? Buffer.from(c.serverCertificate, "base64") : undefined,
    });
    // node-opcua describes itself with the URI of its certificate; a case may make it claim another one (Part 4 §5.6.2).
    if (c.claimApplicationUri) client._getApplicationUri = () => c.claimApplicationUri;
    let failure = null;
    client.on("backoff", () => { failure = failure || new Error("connection refused"); });
    try {
        await withTimeout(client.connect(c.url), 20000, "connect");
        if (failure) throw failure;
        const identity = c.user ? { type: opcua.UserTokenType.UserName, userName: c.user, password: c.password } : undefined;
        const session = await withTimeout(client.createSession(identity), 20000, "createSession");
        await session.close();
        return { connected: true, code: "Good", message: "" };
    } catch (e) {
        return { connected: false, code: codeOf(e), transportError: lastTransportError, message: String(e && e.message ? e.message : e).replace(/\s+/g, " ") };
    } finally {
        try { await withTimeout(client.disconnect(), 5000, "disconnect"); } catch (_) { /* already gone */ }
    }
}

async function clients() {
    const results = [];
    for (const c of config.cases) {
        const v = await verdict(c.serverPki, c.cert);
        results.push({ name: c.name, verdict: v, ...(await attempt(c)) });
    }
    console.log(JSON.stringify(results));
}

async function servers() {
    const serverCertificateManager = new opcua.OPCUACertificateManager({ rootFolder: config.serverPki, automaticallyAcceptUnknownCertificate: false });
    await serverCertificateManager.initialize();
    const userCertificateManager = new opcua.OPCUACertificateManager({ rootFolder: config.serverPki + "-user", automaticallyAcceptUnknownCertificate: false });
    await userCertificateManager.initialize();
    const urls = {};
    const verdicts = {};
    const running = [];
    for (const s of config.servers) {
        const server = new opcua.OPCUAServer({
            port: s.port,
            hostname: "127.0.0.1",
            alternateHostname: ["127.0.0.1"],
            certificateFile: s.cert,
            privateKeyFile: s.key,
            securityModes: [opcua.MessageSecurityMode.None, opcua.MessageSecurityMode.Sign, opcua.MessageSecurityMode.SignAndEncrypt],
            securityPolicies: [opcua.SecurityPolicy.None, ...s.policies.map((p) => opcua.SecurityPolicy[p])],
            serverCertificateManager,
            userCertificateManager,
            allowAnonymous: true,
            userManager: { isValidUser: (user, password) => user === "operator" && password === "op-secret" },
            serverInfo: { applicationUri: s.appUri, productUri: "urn:node-opcua:peer" },
        });
        await server.initialize();
        await server.start();
        running.push(server);
        urls[s.name] = server.getEndpointUrl();
        verdicts[s.name] = await verdict(config.clientPki, s.cert);
    }
    console.log("VERDICTS " + JSON.stringify(verdicts));
    console.log("READY " + JSON.stringify(urls));
    process.stdin.resume();
    process.stdin.on("end", async () => {
        for (const server of running) await server.shutdown(0);
        process.exit(0);
    });
}

(command === "clients" ? withTimeout(clients(), 240000, "negative clients").then(() => process.exit(0)) : servers()).catch((e) => {
    console.error("FAILED " + (e && e.stack ? e.stack : e));
    process.exit(1);
});
