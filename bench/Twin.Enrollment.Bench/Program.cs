using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Twin.Actors.Projections;
using Twin.Actors.Scenarios;
using Twin.Host.Api;
using Twin.Host.Enrollment;
using Twin.Host.Hosting;
using Twin.Pki.Authority;
using Twin.Pki.Certificates;
using Twin.Pki.Est;
using Twin.Pki.Keys;

// EST /simpleenroll and CMP ir per second over loopback HTTPS (P-256) against a live twin in this process: the load generator
// keeps C requests in flight on C kept-alive TLS connections, each authenticated with an allow-listed IDevID (the TLS client
// certificate for EST, the ir's signature for CMP); every answer is a certificate issued by the twin's issuing CA actor and
// journaled (SQLite). EST goes once to a CA label (the enrollment log decides) and once to operator domain "bench" (its
// registrar decides, as CMP). The peer, measured in the same run just before, is raw issuance: the same CA operation
// (proof-of-possession check + signing) on pre-made requests, one thread, no HTTP, no actors, no journal.
// Usage: dotnet run -c Release --project bench/Twin.Enrollment.Bench -- [--seconds N] [--concurrency C] [--warm-up W] [--registrar-only | --ca-only | --est-domain-only | --cmp-only [--mac | --reused-idevid] | --cmp-codec]
// (--warm-up W: every path for W seconds in all before the first measurement, so the figures are those of a server past its
// start-up compilation; raw issuance is then measured in the same process right after)
// (--registrar-only / --ca-only / --est-domain-only / --cmp-only: raw issuance, then only that path for N seconds — to attach a profiler to;
// --cmp-only prints when its window opens, after its messages are made; --cmp-codec: raw issuance, then the CMP codec alone, one thread)
// Every CMP phase sends ir messages made just before it (on every core, outside its window), enough for IrCeiling per second of the
// window, so the phase measures its whole window; CMP runs as a device usually enrolls: signed with its IDevID, asking for implicit
// confirmation (RFC 9483 §4.1.1), which the domain grants — no certConf/pkiConf round trip. Each ir comes from its own device, with
// its own IDevID (the goal's figure, as in the field); the full run also measures every ir signed with one IDevID, as before, which
// flatters CMP: BouncyCastle keeps precomputed multiples with a key it verifies again and again. --cmp-only --reused-idevid: that one.
// The issue's own ir is MAC-protected with a one-time secret (RFC 9483 §4.1.5): the full run measures it too, and --cmp-only --mac
// alone. Every ir then has a secret of its own, asked for through the product's path (POST /api/domains/bench/otp, as a trainer
// hands them out) before the phase, outside its window; PasswordBasedMac with openssl cmp's defaults (SHA-256 as one-way function,
// HMAC-SHA1, 500 iterations, a fresh salt), a fresh P-256 key with signature POP, implicit confirmation; the registrar answers with
// the same MAC, as it does every MAC-protected request.
var seconds = Arg("--seconds", 10);
var warmUp = Arg("--warm-up", 0);
var concurrency = Arg("--concurrency", 16);
var requests = Enumerable.Range(0, 2_000).Select(i => CertificationRequest.Create($"CN=bench-{i:00000},serialNumber=B{i:00000}", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256))).ToList();


var folder = Path.Combine(Path.GetTempPath(), "planttrust-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
var wall = DateTimeOffset.UtcNow;
var manufacturer = CertificateAuthority.CreateRoot("CN=Bench Manufacturer", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), wall.AddYears(-1), wall.AddYears(10));
var idevidKey = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
var idevid = manufacturer.Issue(new IssuanceRequest("CN=Bench Pledge,serialNumber=BENCH-1", idevidKey.PublicKey, CertificateProfile.IDevId, wall.AddYears(-1), wall.AddYears(5)));
var manufacturerFile = Path.Combine(folder, "manufacturer.pem");
await File.WriteAllTextAsync(manufacturerFile, manufacturer.Certificate.ToPem());
var start = wall.AddSeconds(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
var scenario = ScenarioLoader.Load($"""
    name: Enrollment bench
    run: est-bench
    start: {start}
    clock:
      mode: realtime
      speed: 1
    topology:
      rootCa:
        id: ca-root
        subject: CN=Bench Root
        algorithm: EcdsaP256
        validity: P3650D
      cas:
        - id: ca-issuing
          parent: ca-root
          subject: CN=Bench Issuing CA
          profile: IssuingCa
      domains:
        - name: bench
          issuingCa: ca-issuing
          signatureSuite: EcdsaP256
          allowList:
            - manufacturerCa: {manufacturerFile}
              serialNumber: "BENCH-[0-9]+"
    """, Path.Combine(folder, "bench.yaml"));
var options = new TwinOptions
{
    Urls = "http://127.0.0.1:0",
    Database = Path.Combine(folder, "planttrust.db"),
    Est = new EstOptions
    {
        Port = 0,
        Manufacturers = [new ManufacturerOptions { CaFile = manufacturerFile }],
        AllowList = [new AllowListEntry { SerialNumber = "BENCH-*" }],
    },
};
var spec = scenario.ToPlant();
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = folder, Args = [] });
builder.Logging.ClearProviders();
builder.WebHost.UseUrls(options.Urls);
builder.Services.AddTwin(options, spec);
builder.Services.AddEstEnrollment(options.Est, spec.Run);
await using var app = builder.Build();
// The operator API's domain endpoints (one-time secrets for MAC-protected ir), on the twin's own web listener.
app.MapGroup("/api").MapDomainApi();
await app.StartAsync();
using var api = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
var model = app.Services.GetRequiredService<IPlantReadModel>();
while (!(model.Current.Entities.TryGetValue("ca-issuing", out var ca) && ca.Current is not null)) await Task.Delay(50);
var address = app.Services.GetRequiredService<EnrollmentTlsListener>().Address!;
var root = Certificate.FromPem(Twin.Pki.Encoding.Pem.Encode("CERTIFICATE", model.Current.Entities["ca-root"].Current!.Der.AsSpan()));

using var clientCertificate = X509Certificate2.CreateFromPem(idevid.ToPem(), idevidKey.ExportPkcs8Pem());
using var rootCertificate = X509CertificateLoader.LoadCertificate(root.GetDer());
using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = concurrency,
    SslOptions = new SslClientAuthenticationOptions
    {
        ClientCertificates = [clientCertificate],
        // Trust exactly the twin's root, as curl --cacert does.
        CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, CustomTrustStore = { rootCertificate }, RevocationMode = X509RevocationMode.NoCheck },
    },
};
using var http = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
var bodies = requests.Select(r => EstCodec.ToBase64Body(r.GetDer())).ToArray();

// Without HTTP and TLS: the backend alone (client check, the CA actor's issuance, both journal writes), to show where time goes.
var backend = app.Services.GetRequiredService<IEstBackend>();
var domain = backend.FindDomain(null)!;
var authWatch = Stopwatch.StartNew();
var authCount = 0;
while (authWatch.Elapsed < TimeSpan.FromSeconds(2)) { backend.Authenticate(domain, Certificate.FromDer(idevid.GetDer())); authCount++; }
Console.WriteLine(FormattableString.Invariant($"client check (path validation of the IDevID, 1 thread): {authCount / authWatch.Elapsed.TotalSeconds:0} /s"));
var control = app.Services.GetRequiredService<Twin.Actors.Control.ITwinControl>();
var registrar = new Twin.Actors.Model.EntityId("registrar.bench");
var irSerial = 0;
var deviceSerial = 1; // BENCH-1 is the IDevID made above
// The most CMP enrollments per second any phase is given messages for: a phase runs out of them only above this rate (it says so).
const int IrCeiling = 3_000;
// The MAC phase is given fewer: every message needs its one-time secret journaled by the registrar first, one by one.
const int MacCeiling = 2_000;
var macOnly = args.Contains("--mac");
if (warmUp > 0)
{
    // Every path once over, for warmUp seconds in all, before anything is measured: the runtime compiles this process's hot
    // methods again with optimizations for tens of seconds after start (tiered compilation), and until it is done its compiler
    // takes ~15 % of the CPU and much of the server runs unoptimized code. A running server is past that; the figures below then are too.
    var share = TimeSpan.FromSeconds(warmUp / 6.0);
    var warmCpu = Cpu();
    await CaOnlyAsync(share);
    await RegistrarOnlyAsync(share);
    await LoadAsync(share);
    await LoadAsync(share, "/.well-known/est/bench/simpleenroll");
    await CmpLoadAsync(share, perDevice: !args.Contains("--reused-idevid"));
    await CmpLoadAsync(share, mac: true);
    Console.WriteLine(FormattableString.Invariant($"warm-up: every path for {warmUp} s in all [{(Cpu() - warmCpu).TotalSeconds:0.0} s CPU]"));
}
var rawCpu = Cpu();
var raw = RawIssuancePerSecond(requests, TimeSpan.FromSeconds(5));
Console.WriteLine(FormattableString.Invariant($"raw issuance (PoP check + issue, P-256, 1 thread): {raw:0} /s [{(Cpu() - rawCpu).TotalMicroseconds / (raw * 5):0} µs CPU each]"));
if (args.Contains("--cmp-codec"))
{
    // The CMP codec alone, one thread, next to raw issuance in this process: the registrar's signed ip (its chain in extraCerts),
    // the load generator's decode of it, and the registrar's check ahead of an ir (decode, POP, protection).
    var sample = MakeIrs(3_000);
    var ir0 = Twin.Pki.Cmp.CmpMessage.Decode(sample[0]);
    var codecKey = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
    var codecCa = CertificateAuthority.CreateRoot("CN=Codec Issuing", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), wall.AddDays(-1), wall.AddYears(1));
    var signer = codecCa.Issue(new IssuanceRequest("CN=PlantTrust Registrar bench", codecKey.PublicKey, CertificateProfile.LDevId, wall.AddDays(-1), wall.AddYears(1)));
    var issuedOne = codecCa.Issue(new IssuanceRequest("CN=cmp-codec", ir0.CertRequests()[0].PublicKey!, CertificateProfile.LDevId, wall, wall.AddDays(30)));
    var from = new Twin.Pki.Cmp.CmpSender(signer.Subject, Twin.Pki.Cmp.CmpProtector.Signature(codecKey, signer, [codecCa.Certificate, root]), wall, Twin.Pki.Keys.PkiRandom.System);
    var ip = Twin.Pki.Cmp.CmpReplies.Certificate(ir0, from, 0, issuedOne, [], true, [codecCa.Certificate, root]);
    Codec("answer (CmpReplies.Certificate: sign + encode)", _ => Twin.Pki.Cmp.CmpReplies.Certificate(ir0, from, 0, issuedOne, [], true, [codecCa.Certificate, root]));
    Codec("load generator's decode of the ip (CmpMessage.Decode + CertResponses)", _ => Twin.Pki.Cmp.CmpMessage.Decode(ip).CertResponses());
    Codec("check ahead of an ir (decode, POP, protection)", i =>
    {
        var m = Twin.Pki.Cmp.CmpMessage.Decode(sample[i % sample.Count]);
        _ = m.CertRequests();
        return m.VerifySignature(m.ExtraCerts[0].PublicKey);
    });
    await app.StopAsync();
    return 0;

    void Codec(string name, Func<int, object> op)
    {
        for (var i = 0; i < 300; i++) op(i);
        var before = Cpu();
        var watch = Stopwatch.StartNew();
        var n = 0;
        while (watch.Elapsed < TimeSpan.FromSeconds(seconds)) op(n++);
        var each = (Cpu() - before).TotalMicroseconds / n;
        Console.WriteLine(FormattableString.Invariant($"{name}, 1 thread: {n / watch.Elapsed.TotalSeconds:0} /s [{each:0} µs CPU each]"));
    }
}
if (args.Contains("--registrar-only"))
{
    // Only the registrar path, for as long as asked: what a profiler attaches to (dotnet-trace collect -p PID).
    Console.WriteLine(FormattableString.Invariant($"process {Environment.ProcessId}: registrar only for {seconds} s"));
    await RegistrarOnlyAsync(TimeSpan.FromSeconds(2));
    var onlyCpu = Cpu();
    var (onlyOk, onlyElapsed) = await RegistrarOnlyAsync(TimeSpan.FromSeconds(seconds));
    Console.WriteLine(FormattableString.Invariant($"registrar only (EstEnrollRequest, no HTTP/TLS), {concurrency} in flight: {onlyOk / onlyElapsed.TotalSeconds:0} /s{Gc()}{PerItem(onlyCpu, onlyOk)}"));
    await app.StopAsync();
    return 0;
}
if (args.Contains("--est-domain-only"))
{
    // Only EST into the domain over HTTPS: the HTTP/TLS layer on top of the registrar path, for a profiler.
    Console.WriteLine(FormattableString.Invariant($"process {Environment.ProcessId}: EST into the domain only for {seconds} s"));
    await LoadAsync(TimeSpan.FromSeconds(2), "/.well-known/est/bench/simpleenroll");
    var onlyCpu = Cpu();
    var (onlyOk, _, onlyElapsed) = await LoadAsync(TimeSpan.FromSeconds(seconds), "/.well-known/est/bench/simpleenroll");
    Console.WriteLine(FormattableString.Invariant($"EST simpleenroll over HTTPS (domain registrar), {concurrency} in flight: {onlyOk / onlyElapsed.TotalSeconds:0} /s = {onlyOk / onlyElapsed.TotalSeconds / raw:P1} of raw{Gc()}{PerItem(onlyCpu, onlyOk)}"));
    await app.StopAsync();
    return 0;
}
if (args.Contains("--cmp-only"))
{
    // Only CMP ir over HTTPS, for a profiler.
    Console.WriteLine(FormattableString.Invariant($"process {Environment.ProcessId}: CMP ir only for {seconds} s"));
    var perDevice = !args.Contains("--reused-idevid");
    var (onlyOk, onlyFailed, onlyElapsed, onlyCpu) = await CmpLoadAsync(TimeSpan.FromSeconds(seconds), announce: true, perDevice: perDevice, mac: macOnly);
    var how = macOnly ? "MAC with a one-time secret each" : perDevice ? "an IDevID per device" : "one IDevID reused";
    Console.WriteLine(FormattableString.Invariant($"CMP ir over HTTPS (domain registrar, {how}), {concurrency} in flight: {onlyOk} issued, {onlyFailed} failed: {onlyOk / onlyElapsed.TotalSeconds:0} /s = {onlyOk / onlyElapsed.TotalSeconds / raw:P1} of raw{Gc()}{PerItem(onlyCpu, onlyOk)}"));
    await app.StopAsync();
    return 0;
}
if (args.Contains("--ca-only"))
{
    // Only the CA actor's issuance, for as long as asked: what a profiler attaches to.
    Console.WriteLine(FormattableString.Invariant($"process {Environment.ProcessId}: CA actor only for {seconds} s"));
    await CaOnlyAsync(TimeSpan.FromSeconds(2));
    var onlyCpu = Cpu();
    var (onlyOk, onlyElapsed) = await CaOnlyAsync(TimeSpan.FromSeconds(seconds));
    Console.WriteLine(FormattableString.Invariant($"CA actor alone (IssueFromCsr, journaled, {concurrency} in flight): {onlyOk / onlyElapsed.TotalSeconds:0} /s{Gc()}{PerItem(onlyCpu, onlyOk)}"));
    await app.StopAsync();
    return 0;
}
var caCpu = Cpu();
var (caOk, caElapsed) = await CaOnlyAsync(TimeSpan.FromSeconds(3));
Console.WriteLine(FormattableString.Invariant($"CA actor alone (IssueFromCsr, journaled, {concurrency} in flight): {caOk / caElapsed.TotalSeconds:0} /s{Gc()}{PerItem(caCpu, caOk)}"));
var directCpu = Cpu();
var (directOk, directElapsed) = await DirectAsync(TimeSpan.FromSeconds(Math.Max(3, seconds / 2)));
Console.WriteLine(FormattableString.Invariant($"backend only (no HTTP/TLS), {concurrency} in flight: {directOk / directElapsed.TotalSeconds:0} /s{Gc()}{PerItem(directCpu, directOk)}"));

await LoadAsync(TimeSpan.FromSeconds(2)); // warm-up: TLS sessions, JIT, the registrar's own certificate
var estCpu = Cpu();
var (ok, failed, elapsed) = await LoadAsync(TimeSpan.FromSeconds(seconds));
var rate = ok / elapsed.TotalSeconds;
Console.WriteLine(FormattableString.Invariant($"EST simpleenroll over HTTPS (CA label), {concurrency} in flight: {ok} issued, {failed} failed in {elapsed.TotalSeconds:0.0} s = {rate:0} /s = {rate / raw:P1} of raw{Gc()}{PerItem(estCpu, ok)}"));

// Into operator domain "bench": its registrar judges the client, applies the template, has the CA issue, and journals the decision.
var regCpu = Cpu();
var (regOk, regElapsed) = await RegistrarOnlyAsync(TimeSpan.FromSeconds(Math.Max(3, seconds / 2)));
Console.WriteLine(FormattableString.Invariant($"registrar only (EstEnrollRequest, no HTTP/TLS), {concurrency} in flight: {regOk / regElapsed.TotalSeconds:0} /s{Gc()}{PerItem(regCpu, regOk)}"));
await LoadAsync(TimeSpan.FromSeconds(2), "/.well-known/est/bench/simpleenroll");
var domainCpu = Cpu();
var (dOk, dFailed, dElapsed) = await LoadAsync(TimeSpan.FromSeconds(seconds), "/.well-known/est/bench/simpleenroll");
var domainRate = dOk / dElapsed.TotalSeconds;
Console.WriteLine(FormattableString.Invariant($"EST simpleenroll over HTTPS (domain registrar), {concurrency} in flight: {dOk} issued, {dFailed} failed in {dElapsed.TotalSeconds:0.0} s = {domainRate:0} /s = {domainRate / raw:P1} of raw{Gc()}{PerItem(domainCpu, dOk)}"));

// CMP ir signed with the IDevID, implicit confirmation, a fresh key each: pre-made (a transactionID is used once), sent over the same TLS listener.
// First every ir signed with one IDevID (as this bench measured until 2026-11-28; flattering), then the goal's figure: an IDevID per device.
await CmpLoadAsync(TimeSpan.FromSeconds(2));
var (rOk, rFailed, rElapsed, reusedCpu) = await CmpLoadAsync(TimeSpan.FromSeconds(seconds));
var reusedRate = rOk / rElapsed.TotalSeconds;
Console.WriteLine(FormattableString.Invariant($"CMP ir over HTTPS (domain registrar, one IDevID reused), {concurrency} in flight: {rOk} issued, {rFailed} failed in {rElapsed.TotalSeconds:0.0} s = {reusedRate:0} /s = {reusedRate / raw:P1} of raw{Gc()}{PerItem(reusedCpu, rOk)}"));
await CmpLoadAsync(TimeSpan.FromSeconds(2), perDevice: true);
var (cOk, cFailed, cElapsed, cmpCpu) = await CmpLoadAsync(TimeSpan.FromSeconds(seconds), perDevice: true);
var cmpRate = cOk / cElapsed.TotalSeconds;
Console.WriteLine(FormattableString.Invariant($"CMP ir over HTTPS (domain registrar, an IDevID per device), {concurrency} in flight: {cOk} issued, {cFailed} failed in {cElapsed.TotalSeconds:0.0} s = {cmpRate:0} /s = {cmpRate / raw:P1} of raw{Gc()}{PerItem(cmpCpu, cOk)}"));
// The issue's ir: MAC-protected with a one-time secret each, the secrets asked for through the operator API before the window.
await CmpLoadAsync(TimeSpan.FromSeconds(2), mac: true);
var (mOk, mFailed, mElapsed, macCpu) = await CmpLoadAsync(TimeSpan.FromSeconds(seconds), mac: true);
var macRate = mOk / mElapsed.TotalSeconds;
Console.WriteLine(FormattableString.Invariant($"CMP ir over HTTPS (domain registrar, MAC with a one-time secret each: the issue's ir), {concurrency} in flight: {mOk} issued, {mFailed} failed in {mElapsed.TotalSeconds:0.0} s = {macRate:0} /s = {macRate / raw:P1} of raw{Gc()}{PerItem(macCpu, mOk)}"));
// What every EST request asks first (which domain or CA serves the path), against the read model as the run has grown it.
var lookups = 0;
var lookupWatch = Stopwatch.StartNew();
while (lookupWatch.Elapsed < TimeSpan.FromSeconds(1)) { _ = backend.FindDomain(null); _ = backend.FindDomain("bench"); lookups += 2; }
Console.WriteLine(FormattableString.Invariant($"domain lookup (FindDomain, 1 thread) with {model.Current.Entities.Count} entities in the read model: {lookupWatch.Elapsed.TotalMicroseconds / lookups:0.0} µs each"));
await app.StopAsync();
return 0;

async Task<(long Ok, TimeSpan Elapsed)> CaOnlyAsync(TimeSpan duration)
{
    long ok = 0, next = 0;
    var watch = Stopwatch.StartNew();
    var ca = new Twin.Actors.Model.EntityId("ca-issuing");
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (watch.Elapsed < duration)
        {
            var csr = requests[(int)(Interlocked.Increment(ref next) % requests.Count)];
            var answer = await control.AskEntityAsync<object>(ca, new Twin.Actors.Protocol.Commands.IssueFromCsr(new Twin.Actors.Model.EntityId("bench"), csr.GetDer(), CertificateProfile.LDevId, TimeSpan.FromDays(30)), TimeSpan.FromSeconds(30));
            if (answer is Twin.Actors.Protocol.Commands.CertificateGranted) Interlocked.Increment(ref ok);
        }
    }));
    return (ok, watch.Elapsed);
}

async Task<(long Ok, TimeSpan Elapsed)> RegistrarOnlyAsync(TimeSpan duration)
{
    long ok = 0, next = 0;
    var watch = Stopwatch.StartNew();
    var client = idevid.GetDer();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (watch.Elapsed < duration)
        {
            var csr = requests[(int)(Interlocked.Increment(ref next) % requests.Count)];
            var decision = await control.AskEntityAsync<Twin.Actors.Protocol.Commands.EstDecision>(registrar, new Twin.Actors.Protocol.Commands.EstEnrollRequest("simpleenroll", csr.GetDer(), client, "bench"), TimeSpan.FromSeconds(60));
            if (decision.Granted) Interlocked.Increment(ref ok);
        }
    }));
    return (ok, watch.Elapsed);
}

// Every ir carries its own transactionID (used once) and a fresh key, so they are made before the phase that sends them, on every
// core, outside its measured window: the load generator's share of the process's CPU in the window is sending and reading only.
// perDevice: every ir from a device of its own, with its own IDevID key and certificate (made here too, outside the window).
List<byte[]> MakeIrs(int count, bool perDevice = false)
{
    var now = DateTimeOffset.UtcNow;
    var made = new byte[count][];
    var manufacturing = new Lock();
    Parallel.For(0, count, i =>
    {
        var random = Twin.Pki.Keys.PkiRandom.System;
        var (deviceKey, device) = (idevidKey, idevid);
        if (perDevice)
        {
            deviceKey = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
            var serial = Interlocked.Increment(ref deviceSerial);
            PreparedCertificate prepared;
            lock (manufacturing) prepared = manufacturer.Prepare(new IssuanceRequest($"CN=Bench Pledge {serial},serialNumber=BENCH-{serial}", deviceKey.PublicKey, CertificateProfile.IDevId, wall.AddYears(-1), wall.AddYears(5)));
            device = manufacturer.Sign(prepared);
        }
        var from = new Twin.Pki.Cmp.CmpSender(device.Subject, Twin.Pki.Cmp.CmpProtector.Signature(deviceKey, device, null, random), now, random);
        made[i] = Twin.Pki.Cmp.CmpRequests.CertRequest(Twin.Pki.Cmp.CmpBodyType.Ir, from, "CN=PlantTrust Registrar bench", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), $"CN=cmp-{Interlocked.Increment(ref irSerial):000000}", implicitConfirm: true).Der;
    });
    return [.. made];
}

// A one-time secret per message, asked for through the operator API (POST /api/domains/bench/otp) with C requests in flight, then
// as many MAC-protected ir (openssl cmp's PasswordBasedMac defaults, signature POP for a fresh key, implicit confirmation).
async Task<List<(byte[] Der, byte[]? Secret)>> MakeMacIrsAsync(int count)
{
    var secrets = new (string Reference, string Secret)[count];
    var watch = Stopwatch.StartNew();
    long next = -1;
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
        {
            using var response = await api.PostAsync("/api/domains/bench/otp", null);
            response.EnsureSuccessStatusCode();
            using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
            secrets[i] = (json.RootElement.GetProperty("reference").GetString()!, json.RootElement.GetProperty("secret").GetString()!);
        }
    }));
    if (secrets.Select(s => s.Reference).Distinct(StringComparer.Ordinal).Count() != count) throw new InvalidOperationException("The registrar handed out a reference twice.");
    var asked = watch.Elapsed;
    var now = DateTimeOffset.UtcNow;
    var made = new (byte[] Der, byte[]? Secret)[count];
    Parallel.For(0, count, i =>
    {
        var random = Twin.Pki.Keys.PkiRandom.System;
        var secret = System.Text.Encoding.ASCII.GetBytes(secrets[i].Secret);
        var subject = $"CN=cmp-{Interlocked.Increment(ref irSerial):000000}";
        var from = new Twin.Pki.Cmp.CmpSender(subject, Twin.Pki.Cmp.CmpProtector.PasswordBasedMac(System.Text.Encoding.UTF8.GetBytes(secrets[i].Reference), secret, random), now, random);
        made[i] = (Twin.Pki.Cmp.CmpRequests.CertRequest(Twin.Pki.Cmp.CmpBodyType.Ir, from, "CN=PlantTrust Registrar bench", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), subject, implicitConfirm: true).Der, secret);
    });
    Console.WriteLine(FormattableString.Invariant($"({count} one-time secrets asked for through POST /api/domains/bench/otp in {asked.TotalSeconds:0.0} s, {count / asked.TotalSeconds:0} /s; {count} MAC-protected ir made)"));
    return [.. made];
}

// Cpu: the process's CPU time when the window opened (after the messages were made).
// mac: every ir MAC-protected with a one-time secret of its own; every answer must be an ip MAC-protected with that secret.
async Task<(long Ok, long Failed, TimeSpan Elapsed, TimeSpan Cpu)> CmpLoadAsync(TimeSpan duration, bool announce = false, bool perDevice = false, bool mac = false)
{
    var made = mac
        ? await MakeMacIrsAsync((int)Math.Ceiling(duration.TotalSeconds * MacCeiling))
        : MakeIrs((int)Math.Ceiling(duration.TotalSeconds * IrCeiling), perDevice).Select(der => (Der: der, Secret: (byte[]?)null)).ToList();
    var irs = new System.Collections.Concurrent.ConcurrentQueue<(byte[] Der, byte[]? Secret)>(made);
    if (announce) Console.WriteLine(FormattableString.Invariant($"{irs.Count} ir messages made; sending them for {duration.TotalSeconds:0} s from {DateTimeOffset.UtcNow:HH:mm:ss}"));
    long ok = 0, failed = 0;
    var cpu = Cpu();
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        var checkMac = true; // each sender checks the MAC of its first answer: the registrar protects it with the request's secret
        while (watch.Elapsed < duration && irs.TryDequeue(out var sent))
        {
            var (ir, secret) = sent;
            using var content = new ByteArrayContent(ir);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/pkixcmp");
            using var response = await http.PostAsync("/.well-known/cmp/p/bench", content);
            var answer = Twin.Pki.Cmp.CmpMessage.Decode(await response.Content.ReadAsByteArrayAsync());
            var protectedAsAsked = secret is null || answer.Protection == Twin.Pki.Cmp.CmpProtectionKind.Mac && (!checkMac || answer.VerifyMac(secret));
            checkMac &= secret is null;
            if (answer.BodyType == Twin.Pki.Cmp.CmpBodyType.Ip && answer.CertResponses() is [{ Certificate: not null }] && protectedAsAsked) Interlocked.Increment(ref ok);
            else if (Interlocked.Increment(ref failed) == 1)
                Console.WriteLine(FormattableString.Invariant($"(first CMP failure: HTTP {(int)response.StatusCode}, {answer.BodyName}{(answer.BodyType == Twin.Pki.Cmp.CmpBodyType.Error ? ": " + answer.ErrorStatus().Text : "")})"));
        }
    }));
    if (irs.IsEmpty) Console.WriteLine(FormattableString.Invariant($"(ran out of pre-made ir messages after {watch.Elapsed.TotalSeconds:0.0} s: above {(mac ? MacCeiling : IrCeiling)} /s the CMP rate is for fewer seconds than asked)"));
    return (ok, failed, watch.Elapsed, cpu);
}

async Task<(long Ok, long Failed, TimeSpan Elapsed)> LoadAsync(TimeSpan duration, string path = "/.well-known/est/simpleenroll")
{
    long ok = 0, failed = 0, next = 0;
    var watch = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (watch.Elapsed < duration)
        {
            var body = bodies[Interlocked.Increment(ref next) % bodies.Length];
            using var content = new StringContent(body);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(EstPaths.Pkcs10MediaType);
            using var response = await http.PostAsync(path, content);
            await response.Content.ReadAsByteArrayAsync();
            if (response.IsSuccessStatusCode) Interlocked.Increment(ref ok);
            else Interlocked.Increment(ref failed);
        }
    }).ToList();
    await Task.WhenAll(workers);
    return (ok, failed, watch.Elapsed);
}

async Task<(long Ok, TimeSpan Elapsed)> DirectAsync(TimeSpan duration)
{
    long ok = 0, next = 0;
    var watch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (watch.Elapsed < duration)
        {
            var csr = requests[(int)(Interlocked.Increment(ref next) % requests.Count)];
            var authenticated = backend.Authenticate(domain, idevid);
            if ((await backend.EnrollAsync(domain, authenticated, csr, EstOperation.SimpleEnroll, CancellationToken.None)).Issued) Interlocked.Increment(ref ok);
        }
    }));
    return (ok, watch.Elapsed);
}

static double RawIssuancePerSecond(List<CertificationRequest> csrs, TimeSpan duration)
{
    var at = DateTimeOffset.UtcNow;
    var ca = CertificateAuthority.CreateRoot("CN=Raw Bench Root", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), at, at.AddYears(10))
        .CreateSubordinate("CN=Raw Bench Issuing", KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), CertificateProfile.IssuingCa, at, at.AddYears(5));
    for (var i = 0; i < 200; i++) ca.Issue(CertificationRequest.FromDer(csrs[i % csrs.Count].GetDer()), CertificateProfile.LDevId, at, at.AddDays(365));
    var watch = Stopwatch.StartNew();
    var n = 0;
    while (watch.Elapsed < duration)
    {
        // Parse as the server does, then check proof of possession and sign.
        ca.Issue(CertificationRequest.FromDer(csrs[n % csrs.Count].GetDer()), CertificateProfile.LDevId, at, at.AddDays(365));
        n++;
    }
    return n / watch.Elapsed.TotalSeconds;
}

// Garbage collections so far (gen 0/1/2) and the process's CPU time: where a change moves the cost, not only the rate.
string Gc() => FormattableString.Invariant($" [GC {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}, CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:0.0} s]");

// The process's CPU time (server and load generator together): per enrollment it compares across machine loads, where rates do not.
static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

static string PerItem(TimeSpan before, long count) => count == 0 ? "" : FormattableString.Invariant($" [{(Cpu() - before).TotalMicroseconds / count:0} µs CPU each]");

int Arg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
