// node-opcua's client as a push management client (OPC 10000-12 §7.10) against a server under test; every method is
// called by its standard NodeId.
// Usage: node push.js <step> <endpointUrl> <mode> <certFolder> <user> <password> [certificate.der]
//   csr        CreateSigningRequest (new key) on DefaultApplicationGroup -> {"status", "csr": base64}
//   update     UpdateCertificate(certificate.der) then ApplyChanges, then a fresh client connects securely
//              -> {"update", "apply", "endpointCertificates": [base64], "sessionCertificate": base64, "read"}
//   trustlist  TrustList Open(Read) / Read / Close, parsed with node-opcua's TrustListDataType
//              -> {"status", "specifiedLists", "trusted": [base64], "trustedCrls", "issuers", "issuerCrls", "lastUpdateTime"}
//   rejected   GetRejectedList -> {"status", "count"}
// certFolder holds client.pem, client.key and pki/ (trusted CA and CRL).
const path = require("path");
const fs = require("fs");
const crypto = require("crypto");
const opcua = require(path.join(process.cwd(), "node_modules", "node-opcua"));
const { TrustListDataType } = require(path.join(process.cwd(), "node_modules", "node-opcua-types"));
const { BinaryStream } = require(path.join(process.cwd(), "node_modules", "node-opcua-binary-stream"));

const [, , step, endpointUrl, mode, certFolder, user, password, certificateFile] = process.argv;
const { DataType, VariantArrayType } = opcua;

function withTimeout(promise, ms, what) {
    return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(what + " timed out")), ms))]);
}

function client() {
    return opcua.OPCUAClient.create({
        endpointMustExist: false,
        securityMode: opcua.MessageSecurityMode[mode],
        securityPolicy: opcua.SecurityPolicy.Basic256Sha256,
        connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
        certificateFile: path.join(certFolder, "client.pem"),
        privateKeyFile: path.join(certFolder, "client.key"),
        applicationUri: "urn:planttrust:test:node-client",
        clientCertificateManager: new opcua.OPCUACertificateManager({ rootFolder: path.join(certFolder, "pki"), automaticallyAcceptUnknownCertificate: false }),
        keepSessionAlive: false,
    });
}

async function call(session, objectId, methodId, inputArguments) {
    const r = await session.call({ objectId, methodId, inputArguments });
    return { status: r.statusCode.name, out: r.outputArguments || [] };
}

const group = { dataType: DataType.NodeId, value: opcua.resolveNodeId("i=14156") };
const rsaType = { dataType: DataType.NodeId, value: opcua.resolveNodeId("i=12560") };
const b64 = (b) => Buffer.from(b).toString("base64");

async function run(session) {
    if (step === "csr") {
        const r = await call(session, "i=12637", "i=12737", [group, rsaType, { dataType: DataType.String, value: "" },
            { dataType: DataType.Boolean, value: true }, { dataType: DataType.ByteString, value: crypto.randomBytes(32) }]);
        return { status: r.status, csr: r.out.length ? b64(r.out[0].value) : null };
    }
    if (step === "update") {
        const certificate = fs.readFileSync(certificateFile);
        const update = await call(session, "i=12637", "i=13737", [group, rsaType, { dataType: DataType.ByteString, value: certificate },
            { dataType: DataType.ByteString, arrayType: VariantArrayType.Array, value: [] },
            { dataType: DataType.String, value: "" }, { dataType: DataType.ByteString, value: Buffer.alloc(0) }]);
        const apply = await call(session, "i=12637", "i=12740", []);
        return { update: update.status, applyChangesRequired: update.out.length ? update.out[0].value : null, apply: apply.status };
    }
    if (step === "trustlist") {
        const open = await call(session, "i=12642", "i=12647", [{ dataType: DataType.Byte, value: 1 }]);
        if (open.status !== "Good") return { status: open.status };
        const handle = open.out[0].value;
        const parts = [];
        for (;;) {
            const r = await call(session, "i=12642", "i=12652", [{ dataType: DataType.UInt32, value: handle }, { dataType: DataType.Int32, value: 1000 }]);
            if (r.status !== "Good") return { status: "Read " + r.status };
            const data = r.out[0].value || Buffer.alloc(0);
            if (data.length === 0) break;
            parts.push(Buffer.from(data));
        }
        const close = await call(session, "i=12642", "i=12650", [{ dataType: DataType.UInt32, value: handle }]);
        const list = new TrustListDataType();
        const stream = new BinaryStream(Buffer.concat(parts));
        list.decode(stream);
        const lastUpdate = await session.read({ nodeId: "i=12662", attributeId: opcua.AttributeIds.Value });
        return {
            status: open.status, close: close.status, consumed: stream.length, total: Buffer.concat(parts).length, specifiedLists: list.specifiedLists,
            trusted: (list.trustedCertificates || []).map(b64), trustedCrls: (list.trustedCrls || []).map(b64),
            issuers: (list.issuerCertificates || []).map(b64), issuerCrls: (list.issuerCrls || []).map(b64),
            lastUpdateTime: lastUpdate.value.value ? lastUpdate.value.value.toISOString() : null,
        };
    }
    if (step === "rejected") {
        const r = await call(session, "i=12637", "i=12777", []);
        return { status: r.status, count: r.out.length && r.out[0].value ? r.out[0].value.length : 0 };
    }
    throw new Error("unknown step " + step);
}

async function main() {
    const c = client();
    await c.connect(endpointUrl);
    const session = await c.createSession({ type: opcua.UserTokenType.UserName, userName: user, password });
    const result = await run(session);
    try {
        await session.close();
    } catch (e) {
        result.closeError = e.message; // ApplyChanges closes every secure channel
    }
    await c.disconnect();
    if (step === "update") {
        // A new client: discovery and a secure session must meet the new certificate.
        const fresh = client();
        await fresh.connect(endpointUrl);
        const endpoints = await fresh.getEndpoints();
        result.endpointCertificates = endpoints.filter((e) => e.serverCertificate).map((e) => b64(e.serverCertificate));
        const s = await fresh.createSession({ type: opcua.UserTokenType.UserName, userName: user, password });
        result.sessionCertificate = s.serverCertificate ? b64(s.serverCertificate) : null;
        const dv = await s.read({ nodeId: "ns=2;s=Plant.Temperature", attributeId: opcua.AttributeIds.Value });
        result.read = dv.value.value;
        await s.close();
        await fresh.disconnect();
    }
    console.log(JSON.stringify(result));
}

withTimeout(main(), 60000, "push run").then(() => process.exit(0)).catch((e) => {
    console.error("FAILED " + (e && e.stack ? e.stack : e));
    process.exit(1);
});
