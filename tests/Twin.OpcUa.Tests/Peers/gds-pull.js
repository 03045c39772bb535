// node-opcua's client as a GDS pull client (OPC 10000-12 §7.9) against a GDS under test. Every node is addressed by its
// standard identifier in the GDS namespace (http://opcfoundation.org/UA/GDS/), whose index the script reads from the
// server's NamespaceArray; ApplicationRecordDataType bodies are written and read with node-opcua's own encoders.
// Usage: node gds-pull.js <step> <endpointUrl> <mode> <certFolder> <user> <password> <applicationUri> [request.der]
//   pull     RegisterApplication, FindApplications, GetApplication, GetCertificateGroups, StartSigningRequest(request.der),
//            FinishRequest (pending), GetTrustList + file read, FinishRequest until done (issued.der), FinishRequest again,
//            GetCertificateStatus, StartNewKeyPairRequest (PEM) + FinishRequest (newkey.pem, newkey.der) and again,
//            RevokeCertificate(newkey.der), GetCertificateStatus  -> JSON with every status and result
//   register RegisterApplication only -> {"status"}
//   finish   RegisterApplication, FinishRequest for a made-up request -> {"register", "finish"}
//   keypairs RegisterApplication, then StartNewKeyPairRequest + FinishRequest as PFX (password "pfx-secret") and as PEM
//            (password "pem-secret") -> {"pfx", "pem"}; writes key.pfx, key-pfx.der, key.pem, key-pem.der
//   events   subscribes to the Server object's events (i=2253), then RegisterApplication, StartSigningRequest(request.der),
//            FinishRequest until done, RevokeCertificate(issued), UnregisterApplication
//            -> {"events": [{eventType, sourceName, status, methodId, certificateGroup, certificateType}], "calls": {...}}
//   endpoints  (no GDS) GetEndpoints over None, then a SignAndEncrypt session with client.pem
//            -> {"endpointCertificates": [base64], "session": "Good" | error, "sessionCertificate"}
// certFolder holds client.pem, client.key and pki/ (trusted CA and CRL); results are written there.
const path = require("path");
const fs = require("fs");
const opcua = require(path.join(process.cwd(), "node_modules", "node-opcua"));
const { TrustListDataType } = require(path.join(process.cwd(), "node_modules", "node-opcua-types"));
const { BinaryStream } = require(path.join(process.cwd(), "node_modules", "node-opcua-binary-stream"));
const basic = require(path.join(process.cwd(), "node_modules", "node-opcua-basic-types"));
const model = require(path.join(process.cwd(), "node_modules", "node-opcua-data-model"));
const { OpaqueStructure } = require(path.join(process.cwd(), "node_modules", "node-opcua-extension-object"));

const [, , step, endpointUrl, mode, certFolder, user, password, applicationUri, requestFile] = process.argv;
const { DataType, VariantArrayType } = opcua;
const GDS = "http://opcfoundation.org/UA/GDS/";
const b64 = (b) => Buffer.from(b).toString("base64");
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(promise, ms, what) {
    return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(what + " timed out")), ms))]);
}

function client() {
    return opcua.OPCUAClient.create({
        endpointMustExist: false,
        securityMode: opcua.MessageSecurityMode[mode],
        securityPolicy: mode === "None" ? opcua.SecurityPolicy.None : opcua.SecurityPolicy.Basic256Sha256,
        connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
        certificateFile: path.join(certFolder, "client.pem"),
        privateKeyFile: path.join(certFolder, "client.key"),
        applicationUri: "urn:planttrust:test:node-client",
        clientCertificateManager: new opcua.OPCUACertificateManager({ rootFolder: path.join(certFolder, "pki"), automaticallyAcceptUnknownCertificate: false }),
        keepSessionAlive: false,
    });
}

// A Call without node-opcua's promotion of unknown structures (it would fetch data type dictionaries): raw CallRequest.
function rawCall(session, objectId, methodId, inputArguments) {
    const request = new opcua.CallRequest({ methodsToCall: [{ objectId, methodId, inputArguments }] });
    return new Promise((resolve, reject) => session.performMessageTransaction(request, (err, response) => {
        if (err) return reject(err);
        const r = response.results[0];
        resolve({ status: r.statusCode.name, out: r.outputArguments || [] });
    }));
}

// ApplicationRecordDataType (Part 12 §6.5.5) in UA Binary, field by field with node-opcua's encoders.
function encodeRecord(ns, record) {
    const stream = new BinaryStream(4096);
    basic.encodeNodeId(record.applicationId || opcua.NodeId.nullNodeId, stream);
    basic.encodeString(record.applicationUri, stream);
    basic.encodeInt32(record.applicationType, stream);
    basic.encodeArray(record.applicationNames.map((t) => new model.LocalizedText({ locale: "en", text: t })), stream, model.encodeLocalizedText);
    basic.encodeString(record.productUri, stream);
    basic.encodeArray(record.discoveryUrls, stream, basic.encodeString);
    basic.encodeArray(record.serverCapabilities, stream, basic.encodeString);
    const body = stream.buffer.subarray(0, stream.length);
    return { dataType: DataType.ExtensionObject, value: new OpaqueStructure(opcua.resolveNodeId(`ns=${ns};i=134`), Buffer.from(body)) };
}

function decodeRecord(opaque) {
    const stream = new BinaryStream(opaque.buffer);
    const r = {
        encoding: opaque.nodeId.toString(),
        applicationId: basic.decodeNodeId(stream).toString(),
        applicationUri: basic.decodeString(stream),
        applicationType: basic.decodeInt32(stream),
        applicationNames: (basic.decodeArray(stream, model.decodeLocalizedText) || []).map((t) => t.text),
        productUri: basic.decodeString(stream),
        discoveryUrls: basic.decodeArray(stream, basic.decodeString) || [],
        serverCapabilities: basic.decodeArray(stream, basic.decodeString) || [],
    };
    r.consumed = stream.length === opaque.buffer.length;
    return r;
}

const nodeId = (v) => ({ dataType: DataType.NodeId, value: typeof v === "string" ? opcua.resolveNodeId(v) : v });

async function finishUntilDone(session, dir, appId, requestId) {
    const statuses = [];
    for (let i = 0; i < 400; i++) {
        const r = await rawCall(session, dir, dir.replace(/i=141$/, "i=163"), [nodeId(appId), nodeId(requestId)]);
        statuses.push(r.status);
        if (r.status !== "BadNothingToDo") return { r, statuses };
        await delay(50);
    }
    return { r: { status: "never finished", out: [] }, statuses };
}

async function readTrustList(session, trustListId, ns) {
    const m = (i) => `ns=${ns};i=${i}`;
    const open = await rawCall(session, trustListId, m(622), [{ dataType: DataType.Byte, value: 1 }]);
    if (open.status !== "Good") return { open: open.status };
    const handle = open.out[0].value;
    const parts = [];
    for (;;) {
        const r = await rawCall(session, trustListId, m(627), [{ dataType: DataType.UInt32, value: handle }, { dataType: DataType.Int32, value: 700 }]);
        if (r.status !== "Good") return { open: open.status, read: r.status };
        const data = r.out[0].value || Buffer.alloc(0);
        if (data.length === 0) break;
        parts.push(Buffer.from(data));
    }
    const write = await rawCall(session, trustListId, m(622), [{ dataType: DataType.Byte, value: 6 }]);
    const close = await rawCall(session, trustListId, m(625), [{ dataType: DataType.UInt32, value: handle }]);
    const list = new TrustListDataType();
    const all = Buffer.concat(parts);
    const stream = new BinaryStream(all);
    list.decode(stream);
    return {
        open: open.status, close: close.status, openForWriting: write.status, consumed: stream.length === all.length, specifiedLists: list.specifiedLists,
        trusted: (list.trustedCertificates || []).map(b64), trustedCrls: (list.trustedCrls || []).map(b64),
        issuers: (list.issuerCertificates || []).map(b64), issuerCrls: (list.issuerCrls || []).map(b64),
    };
}

async function run(session) {
    const namespaces = (await session.read({ nodeId: "i=2255", attributeId: opcua.AttributeIds.Value })).value.value;
    const ns = namespaces.indexOf(GDS);
    if (ns < 0) return { status: "no GDS namespace" };
    const m = (i) => `ns=${ns};i=${i}`;
    const dir = m(141);
    const record = {
        applicationUri, applicationType: 0, applicationNames: ["PEA under test"], productUri: "urn:planttrust:test:pea",
        discoveryUrls: ["opc.tcp://127.0.0.1:4840"], serverCapabilities: ["NA"],
    };
    const register = await rawCall(session, dir, m(146), [encodeRecord(ns, record)]);
    if (step === "register" || register.status !== "Good") return { status: register.status };
    const appId = register.out[0].value;
    if (step === "finish") {
        const finish = await rawCall(session, dir, m(163), [nodeId(appId), nodeId(`ns=${ns};g=00000000-0000-0000-0000-000000000001`)]);
        return { register: register.status, finish: finish.status };
    }
    if (step === "keypairs") {
        const group = (await rawCall(session, dir, m(508), [nodeId(appId)])).out[0].value[0];
        const out = {};
        for (const [format, password, file] of [["PFX", "pfx-secret", "key.pfx"], ["PEM", "pem-secret", "key.pem"]]) {
            const start = await rawCall(session, dir, m(154), [nodeId(appId), nodeId(group), nodeId("i=12560"), { dataType: DataType.String, value: "" },
                { dataType: DataType.String, arrayType: VariantArrayType.Array, value: ["pea-1.plant.example", "127.0.0.1"] },
                { dataType: DataType.String, value: format }, { dataType: DataType.String, value: password }]);
            if (start.status !== "Good") { out[format.toLowerCase()] = start.status; continue; }
            const done = await finishUntilDone(session, dir, appId, start.out[0].value);
            out[format.toLowerCase()] = done.r.status;
            if (done.r.status === "Good") {
                fs.writeFileSync(path.join(certFolder, file), done.r.out[1].value);
                fs.writeFileSync(path.join(certFolder, file.replace(".", "-") + ".der"), done.r.out[0].value);
            }
        }
        const unknownFormat = await rawCall(session, dir, m(154), [nodeId(appId), nodeId(group), nodeId("i=12560"), { dataType: DataType.String, value: "" },
            { dataType: DataType.String, arrayType: VariantArrayType.Array, value: [] }, { dataType: DataType.String, value: "JKS" }, { dataType: DataType.String, value: "" }]);
        out.unknownFormat = unknownFormat.status;
        return out;
    }
    const result = { ns, register: register.status, applicationId: appId.toString() };

    const again = await rawCall(session, dir, m(146), [encodeRecord(ns, record)]);
    result.registerAgainSameId = again.status === "Good" && again.out[0].value.toString() === appId.toString();
    const found = await rawCall(session, dir, m(143), [{ dataType: DataType.String, value: applicationUri }]);
    result.find = found.status;
    result.found = (found.out[0].value || []).map(decodeRecord);
    const got = await rawCall(session, dir, m(216), [nodeId(appId)]);
    result.get = got.status;
    result.got = got.out.length ? decodeRecord(got.out[0].value) : null;
    const groups = await rawCall(session, dir, m(508), [nodeId(appId)]);
    result.groups = (groups.out[0].value || []).map((g) => g.toString());
    const group = groups.out[0].value[0];
    const rsa = nodeId("i=12560");

    const start = await rawCall(session, dir, m(157), [nodeId(appId), nodeId(group), rsa, { dataType: DataType.ByteString, value: fs.readFileSync(requestFile) }]);
    result.start = start.status;
    const requestId = start.out[0].value;
    const first = await rawCall(session, dir, m(163), [nodeId(appId), nodeId(requestId)]);
    result.firstFinish = first.status;

    const trustListId = await rawCall(session, dir, m(204), [nodeId(appId), nodeId(group)]);
    result.trustListId = trustListId.out[0].value.toString();
    result.trustList = await readTrustList(session, trustListId.out[0].value, ns);

    const done = await finishUntilDone(session, dir, appId, requestId);
    result.finish = done.r.status;
    result.finishStatuses = [...new Set(done.statuses)];
    if (done.r.status === "Good") {
        fs.writeFileSync(path.join(certFolder, "issued.der"), done.r.out[0].value);
        result.privateKeyLength = (done.r.out[1].value || Buffer.alloc(0)).length;
        result.issuers = (done.r.out[2].value || []).map(b64);
    }
    result.finishAgain = (await rawCall(session, dir, m(163), [nodeId(appId), nodeId(requestId)])).status;
    const status = await rawCall(session, dir, m(225), [nodeId(appId), nodeId(group), rsa]);
    result.statusAfterIssue = status.status;
    result.updateRequiredAfterIssue = status.out.length ? status.out[0].value : null;

    const newKey = await rawCall(session, dir, m(154), [nodeId(appId), nodeId(group), rsa, { dataType: DataType.String, value: "CN=PEA under test,O=PlantTrust" },
        { dataType: DataType.String, arrayType: VariantArrayType.Array, value: ["localhost"] }, { dataType: DataType.String, value: "PEM" },
        { dataType: DataType.String, value: "" }]);
    result.newKeyPair = newKey.status;
    const keyDone = await finishUntilDone(session, dir, appId, newKey.out[0].value);
    result.newKeyFinish = keyDone.r.status;
    if (keyDone.r.status === "Good") {
        fs.writeFileSync(path.join(certFolder, "newkey.der"), keyDone.r.out[0].value);
        fs.writeFileSync(path.join(certFolder, "newkey.pem"), keyDone.r.out[1].value);
    }
    result.newKeyFinishAgain = (await rawCall(session, dir, m(163), [nodeId(appId), nodeId(newKey.out[0].value)])).status;

    const revoke = await rawCall(session, dir, m(15005), [nodeId(appId), { dataType: DataType.ByteString, value: fs.readFileSync(path.join(certFolder, "newkey.der")) }]);
    result.revoke = revoke.status;
    const after = await rawCall(session, dir, m(225), [nodeId(appId), nodeId(group), rsa]);
    result.updateRequiredAfterRevoke = after.out.length ? after.out[0].value : null;
    const unregister = await rawCall(session, dir, m(149), [nodeId(appId)]);
    result.unregister = unregister.status;
    result.getAfterUnregister = (await rawCall(session, dir, m(216), [nodeId(appId)])).status;
    return result;
}

// Part 12's GDS audit event types, selected by their own type definitions (CertificateGroup of CertificateDeliveredAuditEventType ...).
async function subscribeAudit(session, ns) {
    const typed = (type, name) => new opcua.SimpleAttributeOperand({
        typeDefinitionId: opcua.resolveNodeId(type), browsePath: [opcua.coerceQualifiedName(name)], attributeId: opcua.AttributeIds.Value });
    const select = [...opcua.constructSelectClause(["EventType", "SourceName", "Status"]), typed("i=2127", "MethodId"),
        typed(`ns=${ns};i=109`, `${ns}:CertificateGroup`), typed(`ns=${ns};i=109`, `${ns}:CertificateType`)];
    const subscription = await session.createSubscription2({
        requestedPublishingInterval: 50, requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20, maxNotificationsPerPublish: 1000, publishingEnabled: true,
    });
    const item = await subscription.monitor({ nodeId: "i=2253", attributeId: opcua.AttributeIds.EventNotifier },
        { queueSize: 100, discardOldest: true, filter: new opcua.EventFilter({ selectClauses: select }) }, opcua.TimestampsToReturn.Neither);
    const events = [];
    const s = (v) => (v && v.value !== null && v.value !== undefined ? v.value.toString() : null);
    item.on("changed", (f) => events.push({
        eventType: s(f[0]), sourceName: f[1] ? f[1].value : null, status: f[2] ? f[2].value : null, methodId: s(f[3]), certificateGroup: s(f[4]), certificateType: s(f[5]),
    }));
    return { subscription, events };
}

async function auditEvents(session) {
    const namespaces = (await session.read({ nodeId: "i=2255", attributeId: opcua.AttributeIds.Value })).value.value;
    const ns = namespaces.indexOf(GDS);
    const m = (i) => `ns=${ns};i=${i}`;
    const dir = m(141);
    const mine = await subscribeAudit(session, ns);
    const calls = {};
    const record = {
        applicationUri, applicationType: 0, applicationNames: ["PEA under test"], productUri: "urn:planttrust:test:pea",
        discoveryUrls: ["opc.tcp://127.0.0.1:4840"], serverCapabilities: ["NA"],
    };
    const register = await rawCall(session, dir, m(146), [encodeRecord(ns, record)]);
    calls.register = register.status;
    const appId = register.out[0].value;
    const group = (await rawCall(session, dir, m(508), [nodeId(appId)])).out[0].value[0];
    const start = await rawCall(session, dir, m(157), [nodeId(appId), nodeId(group), nodeId("i=12560"), { dataType: DataType.ByteString, value: fs.readFileSync(requestFile) }]);
    calls.start = start.status;
    const done = await finishUntilDone(session, dir, appId, start.out[0].value);
    calls.finish = done.r.status;
    if (done.r.status !== "Good") return { ns, calls, events: mine.events };
    calls.revoke = (await rawCall(session, dir, m(15005), [nodeId(appId), { dataType: DataType.ByteString, value: done.r.out[0].value }])).status;
    calls.unregister = (await rawCall(session, dir, m(149), [nodeId(appId)])).status;
    const wanted = [26, 91, 109, 27].map((i) => m(i));
    await withTimeout(new Promise((resolve) => {
        const t = setInterval(() => {
            if (wanted.every((w) => mine.events.some((e) => e.eventType === w)) && mine.events.some((e) => e.sourceName === "Method/UnregisterApplication")) {
                clearInterval(t);
                resolve();
            }
        }, 20);
    }), 20000, "the GDS audit events");
    return { ns, calls, events: mine.events };
}

async function endpoints() {
    const plain = opcua.OPCUAClient.create({
        endpointMustExist: false, securityMode: opcua.MessageSecurityMode.None, securityPolicy: opcua.SecurityPolicy.None,
        connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 }, keepSessionAlive: false,
    });
    await plain.connect(endpointUrl);
    const found = await plain.getEndpoints();
    await plain.disconnect();
    const result = { endpointCertificates: found.filter((e) => e.serverCertificate).map((e) => b64(e.serverCertificate)) };
    const secure = client();
    try {
        await secure.connect(endpointUrl);
        const session = await secure.createSession();
        result.sessionCertificate = session.serverCertificate ? b64(session.serverCertificate) : null;
        await session.close();
        result.session = "Good";
    } catch (e) {
        result.session = e.message;
    }
    await secure.disconnect();
    return result;
}

async function main() {
    if (step === "endpoints") {
        console.log(JSON.stringify(await endpoints()));
        return;
    }
    const c = client();
    await c.connect(endpointUrl);
    const session = await c.createSession({ type: opcua.UserTokenType.UserName, userName: user, password });
    const result = step === "events" ? await auditEvents(session) : await run(session);
    await session.close();
    await c.disconnect();
    console.log(JSON.stringify(result));
}

withTimeout(main(), 90000, "gds run").then(() => process.exit(0)).catch((e) => {
    console.error("FAILED " + (e && e.stack ? e.stack : e));
    process.exit(1);
});
