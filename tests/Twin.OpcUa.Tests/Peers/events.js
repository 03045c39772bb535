// node-opcua's client subscribing to the events of a server under test (Part 4 §5.12, EventNotifier of the Server object i=2253).
// Usage: node events.js <step> <endpointUrl> <certFolder> <user> <password> [args...]
//   audit <certificate.der> <trusted.der>
//          subscriber A selects EventType, SourceName, Message, Severity, Status, ClientUserId; client B opens a second session, adds a
//          certificate to the TrustList, updates the server certificate and applies the changes
//          -> {"events": [{eventType, sourceName, message, severity, status}], "steps": {...}}
//   oftype <eventTypeNodeId>   where clause OfType; client B opens a session -> {"events": [...]}
//   where      where clause Or(OfType CreateSession, And(Equals(SourceName, "Session/ActivateSession"), Equals(Status, true)));
//              clients B (good password), C (wrong password), D (good) -> {"events": [...], "refused": statusName}
//   overflow <discardOldest>   queue size 2, publishing off while client B opens three sessions -> {"events": [...], "queueSize"}
//   types                      the event type tree as a generic client finds it -> {"eventNotifier", "paths", "subtypes", ...}
//   invalid                    filters the server must refuse -> {"<case>": {"status", "select": [names], "where": [names]}}
// Every channel is Basic256Sha256 SignAndEncrypt with a UserName token; certFolder holds client.pem, client.key and pki/.
const path = require("path");
const fs = require("fs");
const opcua = require(path.join(process.cwd(), "node_modules", "node-opcua"));
const filters = require(path.join(process.cwd(), "node_modules", "node-opcua-service-filter"));

const [, , step, endpointUrl, certFolder, user, password, ...args] = process.argv;
const { DataType, AttributeIds } = opcua;
const fields = ["EventType", "SourceName", "Message", "Severity", "Status", "ClientUserId"];

function withTimeout(promise, ms, what) {
    return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(what + " timed out")), ms))]);
}

function client() {
    return opcua.OPCUAClient.create({
        endpointMustExist: false,
        securityMode: opcua.MessageSecurityMode.SignAndEncrypt,
        securityPolicy: opcua.SecurityPolicy.Basic256Sha256,
        connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
        certificateFile: path.join(certFolder, "client.pem"),
        privateKeyFile: path.join(certFolder, "client.key"),
        applicationUri: "urn:planttrust:test:node-client",
        clientCertificateManager: new opcua.OPCUACertificateManager({ rootFolder: path.join(certFolder, "pki"), automaticallyAcceptUnknownCertificate: false }),
        keepSessionAlive: false,
    });
}

async function open(secret = password) {
    const c = client();
    await c.connect(endpointUrl);
    const session = await c.createSession({ type: opcua.UserTokenType.UserName, userName: user, password: secret });
    return { c, session };
}

async function close({ c, session }) {
    try { await session.close(); } catch (e) { /* ApplyChanges closed the channel */ }
    await c.disconnect();
}

// Subscribes to the Server object's events; returns the received events and a wait for one that matches.
async function subscribe(session, filter, options = {}) {
    const subscription = await session.createSubscription2({
        requestedPublishingInterval: 50, requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20, maxNotificationsPerPublish: 1000,
        publishingEnabled: options.publishingEnabled !== false,
    });
    const item = await subscription.monitor({ nodeId: "i=2253", attributeId: AttributeIds.EventNotifier },
        { queueSize: options.queueSize || 100, discardOldest: options.discardOldest !== false, filter }, opcua.TimestampsToReturn.Neither);
    const events = [];
    const waiters = [];
    item.on("changed", (eventFields) => {
        const v = (i) => eventFields[i] ? eventFields[i].value : null;
        events.push({
            eventType: v(0) ? v(0).toString() : null, sourceName: v(1), message: v(2) ? v(2).text : null, severity: v(3), status: v(4), clientUserId: v(5),
        });
        for (const w of waiters.filter((x) => events.some(x.match))) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
    });
    const until = (match, what) => withTimeout(new Promise((resolve) => {
        if (events.some(match)) resolve(); else waiters.push({ match, resolve });
    }), 20000, "event " + what);
    return { subscription, item, events, until };
}

async function call(session, objectId, methodId, inputArguments) {
    const r = await session.call({ objectId, methodId, inputArguments });
    return r.statusCode.name;
}

function createItems(session, request) {
    return new Promise((resolve, reject) => session.createMonitoredItems(request, (err, r) => (err ? reject(err) : resolve(r))));
}

async function run() {
    const a = await open();
    if (step === "audit") {
        const [certificateFile, trustedFile] = args;
        const sub = await subscribe(a.session, opcua.constructEventFilter(fields));
        const b = await open();
        await sub.until((e) => e.eventType === "ns=0;i=2075", "AuditActivateSession");
        const steps = {};
        steps.addCertificate = await call(b.session, "i=12642", "i=12668", [
            { dataType: DataType.ByteString, value: fs.readFileSync(trustedFile) }, { dataType: DataType.Boolean, value: true }]);
        await sub.until((e) => e.eventType === "ns=0;i=12561", "TrustListUpdated");
        steps.updateCertificate = await call(b.session, "i=12637", "i=13737", [
            { dataType: DataType.NodeId, value: opcua.resolveNodeId("i=14156") }, { dataType: DataType.NodeId, value: opcua.resolveNodeId("i=12560") },
            { dataType: DataType.ByteString, value: fs.readFileSync(certificateFile) },
            { dataType: DataType.ByteString, arrayType: opcua.VariantArrayType.Array, value: [] },
            { dataType: DataType.String, value: "" }, { dataType: DataType.ByteString, value: Buffer.alloc(0) }]);
        await sub.until((e) => e.eventType === "ns=0;i=12620", "CertificateUpdated");
        const events = sub.events.slice();
        steps.applyChanges = await call(b.session, "i=12637", "i=12740", []);
        await close(b);
        await close(a);
        return { events, steps };
    }
    if (step === "oftype") {
        const type = args[0];
        const sub = await subscribe(a.session, opcua.constructEventFilter(fields, opcua.ofType(type)));
        const b = await open();
        await sub.until((e) => e.eventType === "ns=0;i=" + type.replace("i=", ""), type);
        const events = sub.events.slice();
        await close(b);
        await close(a);
        return { events };
    }
    if (step === "where") {
        const equals = (field, literal) => new opcua.ContentFilterElement({ filterOperator: opcua.FilterOperator.Equals, filterOperands: [filters.s(AttributeIds.Value, field), literal] });
        const where = filters.makeContentFilter(filters.or(filters.ofType("i=2071"),
            filters.and(equals("SourceName", filters.l(DataType.String, "Session/ActivateSession")), equals("Status", filters.l(DataType.Boolean, true)))));
        const sub = await subscribe(a.session, opcua.constructEventFilter(fields, where));
        const b = await open();
        let refused = null;
        const c = client();
        await c.connect(endpointUrl);
        try { await c.createSession({ type: opcua.UserTokenType.UserName, userName: user, password: "wrong-guess" }); } catch (e) { refused = e.message; }
        await c.disconnect();
        const d = await open();
        await sub.until((e) => e.eventType === "ns=0;i=2075" && sub.events.filter((x) => x.eventType === "ns=0;i=2075").length >= 2, "second ActivateSession");
        const events = sub.events.slice();
        await close(b);
        await close(d);
        await close(a);
        return { events, refused };
    }
    if (step === "overflow") {
        const discardOldest = args[0] === "true";
        const sub = await subscribe(a.session, opcua.constructEventFilter(fields, opcua.ofType("i=2075")),
            { queueSize: 2, discardOldest, publishingEnabled: false });
        const others = [];
        for (let i = 0; i < 3; i++) others.push(await open());
        await sub.subscription.setPublishingMode(true);
        await withTimeout(new Promise((resolve) => { const t = setInterval(() => { if (sub.events.length >= 3) { clearInterval(t); resolve(); } }, 20); }), 20000, "3 events");
        const events = sub.events.slice();
        for (const o of others) await close(o);
        await close(a);
        return { events, queueSize: sub.item.result ? sub.item.result.revisedQueueSize : null };
    }
    if (step === "types") {
        const result = {};
        const notifier = await a.session.read({ nodeId: "i=2253", attributeId: AttributeIds.EventNotifier });
        result.eventNotifier = notifier.value.value;
        const paths = [["i=2041", "Message"], ["i=2041", "Severity"], ["i=2052", "ClientUserId"], ["i=12620", "CertificateGroup"], ["i=12561", "TrustListId"], ["i=2075", "UserIdentityToken"]];
        result.paths = {};
        for (const [start, name] of paths) {
            const r = await a.session.translateBrowsePath(opcua.makeBrowsePath(start, "." + name));
            result.paths[start + "/" + name] = r.targets && r.targets.length ? r.targets[0].targetId.toString() : r.statusCode.name;
        }
        const browse = async (nodeId, referenceTypeId) => (await a.session.browse({ nodeId, referenceTypeId, browseDirection: opcua.BrowseDirection.Forward,
            includeSubtypes: false, resultMask: 63 })).references.map((x) => x.browseName.name).sort();
        result.auditSubtypes = await browse("i=2052", "HasSubtype");
        result.updateMethodSubtypes = await browse("i=2127", "HasSubtype");
        result.baseEventProperties = await browse("i=2041", "HasProperty");
        const dataType = await a.session.read({ nodeId: "i=13735", attributeId: AttributeIds.DataType });
        result.certificateGroupDataType = dataType.value.value.toString();
        const abstract = await a.session.read({ nodeId: "i=2041", attributeId: AttributeIds.IsAbstract });
        result.baseEventTypeIsAbstract = abstract.value.value;
        await close(a);
        return result;
    }
    if (step === "invalid") {
        const subscription = await a.session.createSubscription2({ requestedPublishingInterval: 100, requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20, publishingEnabled: true });
        const select = opcua.constructSelectClause(fields);
        const cases = {
            unsupportedOperator: new opcua.EventFilter({ selectClauses: select, whereClause: { elements: [
                { filterOperator: opcua.FilterOperator.InView, filterOperands: [new opcua.LiteralOperand({ value: { dataType: DataType.NodeId, value: opcua.resolveNodeId("i=85") } })] }] } }),
            operandCount: new opcua.EventFilter({ selectClauses: select, whereClause: { elements: [
                { filterOperator: opcua.FilterOperator.Equals, filterOperands: [new opcua.LiteralOperand({ value: { dataType: DataType.UInt16, value: 1 } })] }] } }),
            unknownType: new opcua.EventFilter({ selectClauses: [new opcua.SimpleAttributeOperand({
                typeDefinitionId: opcua.resolveNodeId("ns=2;i=4711"), browsePath: [opcua.coerceQualifiedName("Message")], attributeId: AttributeIds.Value })] }),
        };
        const result = {};
        let handle = 1;
        for (const [name, filter] of Object.entries(cases)) {
            const r = await createItems(a.session, {
                subscriptionId: subscription.subscriptionId, timestampsToReturn: opcua.TimestampsToReturn.Neither,
                itemsToCreate: [{ itemToMonitor: { nodeId: opcua.resolveNodeId("i=2253"), attributeId: AttributeIds.EventNotifier }, monitoringMode: opcua.MonitoringMode.Reporting,
                    requestedParameters: { clientHandle: handle++, samplingInterval: 0, queueSize: 10, discardOldest: true, filter } }],
            });
            const x = r.results[0];
            const fr = x.filterResult;
            result[name] = {
                status: x.statusCode.name,
                filterResultType: fr ? fr.constructor.name : null,
                select: fr && fr.selectClauseResults ? fr.selectClauseResults.map((s) => s.name) : [],
                where: fr && fr.whereClauseResult && fr.whereClauseResult.elementResults ? fr.whereClauseResult.elementResults.map((e) => e.statusCode.name) : [],
                operands: fr && fr.whereClauseResult && fr.whereClauseResult.elementResults
                    ? fr.whereClauseResult.elementResults.map((e) => (e.operandStatusCodes || []).map((s) => s.name)) : [],
            };
        }
        await subscription.terminate();
        await close(a);
        return result;
    }
    throw new Error("unknown step " + step);
}

withTimeout(run(), 60000, "events run").then((r) => { console.log(JSON.stringify(r)); process.exit(0); }).catch((e) => {
    console.error("FAILED " + (e && e.stack ? e.stack : e));
    process.exit(1);
});
