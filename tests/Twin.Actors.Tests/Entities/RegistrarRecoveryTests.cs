using System.Text;
using Akka.Actor;
using Twin.Actors.Clock;
using Twin.Actors.Entities.Authority;
using Twin.Actors.Entities.Registrar;
using Twin.Actors.Keys;
using Twin.Actors.Model;
using Twin.Actors.Plant;
using Twin.Actors.Projections;
using Twin.Actors.Protocol.Commands;
using Twin.Actors.Tests.Support;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;
using Twin.Pki.Keys;

namespace Twin.Actors.Tests.Entities;

/// <summary>A registrar killed and started again keeps its key, its spent references and the transactionIDs it saw.</summary>
public sealed class RegistrarRecoveryTests() : RegistrarWithCaTestKit("registrar-recover", new RunId("reg-run"), CaId,
    new CaSettings("CN=Test Root,O=PlantTrust", KeyAlgorithm.EcdsaP256, TimeSpan.FromDays(3650)), Settings,
    TimeSpan.FromSeconds(30))
{
    private static readonly EntityId CaId = new("ca-root");
    private static readonly RegistrarSettings Settings = new("plant", CaId, KeyAlgorithm.EcdsaP256, RegistrarMode.Ca);

    [Fact] // RFC 9483 §3.5 (transactionIdInUse), one-time secrets, §4.1.1 implicit confirmation
    public async Task Spent_references_and_seen_transactions_survive_a_restart_and_open_secrets_still_verify()
    {
        var registrar = StartRegistrar();
        await Idle();
        var first = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        var second = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        var ir = Ir(first, "CN=one");
        var granted = await Send(registrar, ir.Der);
        Assert.Equal(CmpBodyType.Ip, granted.BodyType);
        Assert.True(granted.VerifyMac(Encoding.ASCII.GetBytes(first.Secret)));
        Assert.True(granted.Header.ImplicitConfirm);
        Assert.Equal("CN=one", Assert.Single(granted.CertResponses()).Certificate!.Subject);

        var revived = await RestartAsync(registrar);

        var replay = await Send(revived, ir.Der);
        Assert.Equal([CmpFailure.TransactionIdInUse], replay.ErrorStatus().Failures);
        var spent = await Send(revived, Ir(first, "CN=again").Der);
        Assert.Equal([CmpFailure.SignerNotTrusted], spent.ErrorStatus().Failures);
        // The secret is derived from the registrar's key, not stored: one handed out before the restart still works.
        var later = await Send(revived, Ir(second, "CN=two").Der);
        Assert.Equal(CmpBodyType.Ip, later.BodyType);
        var status = await revived.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        Assert.Equal(["granted", "refused", "refused", "granted"], status.RecentDecisions.Select(d => d.Verdict));
    }

    [Fact] // RFC 9483 §4.1.1: a certificate sent without implicit confirmation waits for certConf, and the wait is journaled
    public async Task A_certConf_sent_after_a_restart_is_accepted_and_the_certificate_enrolled()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        var ip = await Send(registrar, Ir(secret, "CN=waits", implicitConfirm: false).Der);
        Assert.False(ip.Header.ImplicitConfirm);
        var issued = Assert.Single(ip.CertResponses()).Certificate!;

        var revived = await RestartAsync(registrar);
        var conf = await Send(revived, CmpRequests.CertConf(Mac(secret), ip, issued).Der);
        Assert.Equal(CmpBodyType.PkiConf, conf.BodyType);
        Assert.True(conf.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret))); // the secret, derived again from the journaled reference
        var status = await revived.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        Assert.Equal(["granted", "confirmed"], status.RecentDecisions.Select(d => d.Verdict));
        Assert.Contains(issued.SerialNumber.Hex, status.RecentDecisions[^1].Reason, StringComparison.Ordinal);

        // Confirmed once: the wait is closed in the journal, so a second restart does not reopen it.
        var again = await RestartAsync(revived);
        // A second certConf is answered as the first was (pkiConf), not decided a second time.
        Assert.Equal(CmpBodyType.PkiConf, (await Send(again, CmpRequests.CertConf(Mac(secret), ip, issued).Der)).BodyType);
        var after = await again.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        Assert.Equal(["granted", "confirmed"], after.RecentDecisions.Select(d => d.Verdict));
    }

    [Fact] // RFC 9483 §3.5, §4.1.1: a requester that never heard the pkiConf sends its certConf again, and hears pkiConf, also after a restart
    public async Task A_repeated_certConf_after_the_registrar_confirmed_is_answered_with_pkiConf_and_decides_nothing()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        var ip = await Send(registrar, Ir(secret, "CN=unheard", implicitConfirm: false).Der);
        var issued = Assert.Single(ip.CertResponses()).Certificate!;
        Assert.Equal(CmpBodyType.PkiConf, (await Send(registrar, CmpRequests.CertConf(Mac(secret), ip, issued).Der)).BodyType);
        await Idle();
        var journaled = (await EventQuery.AllAsync(Sys, Run)).Count;

        // The pkiConf went astray: the same certConf again, before and after a restart.
        var repeat = await Send(registrar, CmpRequests.CertConf(Mac(secret), ip, issued).Der);
        Assert.Equal(CmpBodyType.PkiConf, repeat.BodyType);
        var revived = await RestartAsync(registrar);
        var afterRestart = await Send(revived, CmpRequests.CertConf(Mac(secret), ip, issued).Der);
        Assert.Equal(CmpBodyType.PkiConf, afterRestart.BodyType);
        Assert.Equal(ip.Header.TransactionHex, afterRestart.Header.TransactionHex);
        Assert.True(afterRestart.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret))); // protected as the request was
        await Idle();
        Assert.Equal(journaled, (await EventQuery.AllAsync(Sys, Run)).Count); // confirmed once, enrolled once

        // A certConf naming another certificate under that transactionID is still refused, with the failure that says why.
        var root = Certificate.FromDer(Runtime.Distribution.Snapshot().Entries.Single(e => e.IsRoot).CaCertificate);
        Assert.Equal([CmpFailure.BadCertId], (await Send(revived, CmpRequests.CertConf(Mac(secret), ip, root).Der)).ErrorStatus().Failures);
        // So is one that turns the verdict around, and one not protected with the request's secret.
        Assert.Equal([CmpFailure.BadRequest], (await Send(revived, CmpRequests.CertConf(Mac(secret), ip, issued, 0, "changed my mind").Der)).ErrorStatus().Failures);
        var stranger = await revived.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("other"), RemainingOrDefault);
        Assert.Equal([CmpFailure.BadMessageCheck], (await Send(revived, CmpRequests.CertConf(Mac(stranger), ip, issued).Der)).ErrorStatus().Failures);
        var status = await revived.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        Assert.Equal(["granted", "confirmed", "refused", "refused", "refused"], status.RecentDecisions.Select(d => d.Verdict));
        Assert.DoesNotContain(Crls(), c => c.Find(issued.SerialNumber) is not null);
    }

    [Fact] // RFC 9483 §4.1.1: a rejection is decided once — the certificate revoked once — and its repeat answered with pkiConf again
    public async Task A_repeated_certConf_that_rejected_the_certificate_is_answered_with_pkiConf_after_a_restart()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        var ip = await Send(registrar, Ir(secret, "CN=refuses", implicitConfirm: false).Der);
        var issued = Assert.Single(ip.CertResponses()).Certificate!;
        Assert.Equal(CmpBodyType.PkiConf, (await Send(registrar, CmpRequests.CertConf(Mac(secret), ip, issued, 0, "wrong subject").Der)).BodyType);
        await Idle();
        Assert.Single(Crls().Select(c => c.Find(issued.SerialNumber)).OfType<Twin.Pki.Revocation.CrlEntry>());
        var revived = await RestartAsync(registrar);
        var journaled = (await EventQuery.AllAsync(Sys, Run)).Count;

        var repeat = await Send(revived, CmpRequests.CertConf(Mac(secret), ip, issued, 0, "wrong subject").Der);
        Assert.Equal(CmpBodyType.PkiConf, repeat.BodyType);
        Assert.True(repeat.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret)));
        await Idle();
        Assert.Equal(journaled, (await EventQuery.AllAsync(Sys, Run)).Count); // no second decision, no second revocation
        // Accepting it now cannot bring a revoked certificate back.
        var accept = await Send(revived, CmpRequests.CertConf(Mac(secret), ip, issued).Der);
        Assert.Equal([CmpFailure.BadRequest], accept.ErrorStatus().Failures);
        Assert.Contains("rejected", accept.ErrorStatus().Text ?? "", StringComparison.Ordinal);
        var status = await revived.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        Assert.Equal(["granted", "rejected", "refused"], status.RecentDecisions.Select(d => d.Verdict));
    }

    [Fact] // a certConf after the domain's confirmWaitTime: the certificate was never confirmed, so it is revoked and the certConf refused
    public async Task A_certConf_after_the_wait_expired_is_refused_with_certRevoked_and_the_certificate_revoked()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        var ip = await Send(registrar, Ir(secret, "CN=late", implicitConfirm: false).Der);
        var issued = Assert.Single(ip.CertResponses()).Certificate!;
        var revived = await RestartAsync(registrar);

        ClockActor.Tell(new RunUntil(T0.Add(Settings.ConfirmWaitTime + TimeSpan.FromMinutes(1))));
        await Idle();
        Assert.Contains(Crls(), c => c.Find(issued.SerialNumber) is not null); // revoked at the deadline, before any certConf came
        var late = await Send(revived, CmpRequests.CertConf(Mac(secret), ip, issued).Der);
        Assert.Equal([CmpFailure.CertRevoked], late.ErrorStatus().Failures);
        Assert.True(late.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret)));
    }

    [Fact] // RFC 9483 §4.1.1: a certificate never confirmed is revoked when confirmWaitTime runs out, on the simulated clock, not when someone asks
    public async Task A_certificate_never_confirmed_is_revoked_at_the_confirmation_deadline_and_the_decision_closes_the_wait()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        var ip = await Send(registrar, Ir(secret, "CN=silent", implicitConfirm: false).Der);
        var issued = Assert.Single(ip.CertResponses()).Certificate!;
        var sent = Clock.Now;
        var deadline = sent.Add(Settings.ConfirmWaitTime);

        // Just before the deadline nothing has happened: the certificate is still awaiting its certConf.
        ClockActor.Tell(new RunUntil(deadline.Add(TimeSpan.FromSeconds(-1))));
        await Idle();
        Assert.DoesNotContain(Crls(), c => c.Find(issued.SerialNumber) is not null);

        // Nobody sends anything; the clock alone passes the deadline.
        ClockActor.Tell(new RunUntil(deadline.Add(TimeSpan.FromHours(1))));
        await Idle();
        var entry = Crls().Select(c => c.Find(issued.SerialNumber)).OfType<Twin.Pki.Revocation.CrlEntry>().Single();
        Assert.Equal(deadline.Utc, entry.RevocationDate);
        Assert.Equal(Twin.Pki.Revocation.RevocationReason.CessationOfOperation, entry.Reason);
        var status = await registrar.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        var decision = status.RecentDecisions[^1];
        Assert.Equal("revoked", decision.Verdict);
        Assert.Equal("certConf", decision.What);
        Assert.Contains(issued.SerialNumber.Hex, decision.Reason, StringComparison.Ordinal);

        // Oracle: openssl judges the certificate against the CA's latest CRL after the deadline.
        var root = Certificate.FromDer(Runtime.Distribution.Snapshot().Entries.Single(e => e.IsRoot).CaCertificate);
        var crl = Crls().Single();
        var dir = Twin.Tests.Support.RepoPaths.NewScratch("confirm-deadline");
        var verify = await Twin.Tests.Support.Peer.OpenSslAsync("verify", "-crl_check", "-attime", deadline.Utc.AddMinutes(30).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-CAfile", Twin.Tests.Support.RepoPaths.WriteText(dir, "root.pem", root.ToPem()),
            "-CRLfile", Twin.Tests.Support.RepoPaths.WriteText(dir, "crl.pem", crl.ToPem()),
            Twin.Tests.Support.RepoPaths.WriteText(dir, "leaf.pem", issued.ToPem()));
        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains("certificate revoked", verify.All, StringComparison.Ordinal);

        // The wait is closed in the journal: a restarted registrar does not reopen it, and a certConf now is refused with
        // certRevoked (RFC 4210 §5.2.3: the certificate was revoked at the deadline), protected with the request's secret.
        var revived = await RestartAsync(registrar);
        var late = await Send(revived, CmpRequests.CertConf(Mac(secret), ip, issued).Der);
        Assert.Equal(CmpBodyType.Error, late.BodyType);
        Assert.Equal([CmpFailure.CertRevoked], late.ErrorStatus().Failures);
        Assert.True(late.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret)));
        Assert.Contains(issued.SerialNumber.Hex, late.ErrorStatus().Text ?? "", StringComparison.Ordinal);
        Assert.Single(Crls().Select(c => c.Find(issued.SerialNumber)).OfType<Twin.Pki.Revocation.CrlEntry>());
    }

    [Fact] // work handed elsewhere for requests from outside (checks on the thread pool, asks to the CA) ends with the registrar that began it
    public async Task A_registrar_stopped_while_outside_requests_are_checked_on_the_pool_leaves_no_work_counted()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        // A few dozen: enough to keep checks on the pool for a while, few enough that they do not crowd the actors' own
        // dispatching out of a loaded machine's thread pool.
        var irs = Enumerable.Range(0, 40).Select(i => Ir(secret, $"CN=busy-{i:000}").Der).ToList();
        // Without a sender: an answer that comes back before the stop must not stand in front of Terminated.
        foreach (var der in irs) registrar.Tell(new CmpRequest(der, "outside"), ActorRefs.NoSender);
        // Stopped as a crash would stop it, while checks are on the pool (the count shows them).
        Assert.True(SpinWait.SpinUntil(() => Work.OutstandingByLabel.GetValueOrDefault("registrar-check") > 0, TimeSpan.FromSeconds(30)), "no check was ever on the pool");
        Watch(registrar);
        Sys.Stop(registrar);
        ExpectTerminated(registrar, TimeSpan.FromMinutes(2));

        await Idle(); // waited for ever while the dead registrar's checks stayed counted
        Assert.DoesNotContain(Work.OutstandingByLabel, p => p.Key.StartsWith("registrar-", StringComparison.Ordinal) && p.Value > 0);
        // A new start serves again, and max mode moves on with it.
        var revived = StartRegistrar();
        await Idle();
        var fresh = await revived.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        Assert.Equal(CmpBodyType.Ip, (await Send(revived, Ir(fresh, "CN=after").Der)).BodyType);
        await Idle();
    }

    [Fact] // RFC 9483 §3.5, §4.1.1: checked ahead at the endpoint (CmpGate), a request is still judged by the registrar alone
    public async Task A_request_through_the_gate_is_judged_by_the_registrar_and_a_stopped_registrar_withdraws_its_gate()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        Assert.True(Runtime.CmpGates.TryGetValue("plant", out var gate), "the ready registrar published no gate");
        var timeout = TimeSpan.FromSeconds(20);

        var ir = Ir(secret, "CN=gated");
        var granted = CmpMessage.Decode((await gate!.SendAsync(new CmpRequest(ir.Der, "https:127.0.0.1"), gate.CheckAhead(ir.Der), timeout)).Der);
        Assert.Equal(CmpBodyType.Ip, granted.BodyType);
        Assert.True(granted.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret)));
        Assert.Equal("CN=gated", Assert.Single(granted.CertResponses()).Certificate!.Subject);
        // What the gate let through is decided by the registrar's state: the same transaction again, and a spent reference, are refused.
        var again = await gate.SendAsync(new CmpRequest(ir.Der, "https:127.0.0.1"), gate.CheckAhead(ir.Der), timeout);
        Assert.True(again.Refused);
        Assert.Equal([CmpFailure.TransactionIdInUse], CmpMessage.Decode(again.Der).ErrorStatus().Failures);
        var spent = Ir(secret, "CN=spent");
        Assert.Equal([CmpFailure.SignerNotTrusted], CmpMessage.Decode((await gate.SendAsync(new CmpRequest(spent.Der, "https:127.0.0.1"), gate.CheckAhead(spent.Der), timeout)).Der).ErrorStatus().Failures);
        // A body that does not decode passes the gate as nothing and is refused with the reason.
        var garbage = new byte[] { 0x30, 0x03, 0x02, 0x01 };
        Assert.Null(gate.CheckAhead(garbage));
        var malformed = await gate.SendAsync(new CmpRequest(garbage, "https:127.0.0.1"), null, timeout);
        Assert.True(malformed.Refused);
        Assert.Equal(CmpBodyType.Error, CmpMessage.Decode(malformed.Der).BodyType);
        var status = await registrar.Ask<RegistrarStatus>(new GetRegistrarStatus(), RemainingOrDefault);
        Assert.Equal(["granted", "refused", "refused", "refused"], status.RecentDecisions.Select(d => d.Verdict));

        // A stopped registrar takes its gate with it (the endpoint then asks through the plant, as without one); a new start publishes its own.
        Watch(registrar);
        Sys.Stop(registrar);
        ExpectTerminated(registrar, TimeSpan.FromMinutes(1));
        Assert.False(Runtime.CmpGates.ContainsKey("plant"));
        var revived = StartRegistrar();
        await Idle();
        Assert.True(Runtime.CmpGates.TryGetValue("plant", out var next), "the new start published no gate");
        Assert.NotSame(gate, next);
        var fresh = await revived.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        var after = Ir(fresh, "CN=after");
        Assert.Equal(CmpBodyType.Ip, CmpMessage.Decode((await next!.SendAsync(new CmpRequest(after.Der, "https:127.0.0.1"), next.CheckAhead(after.Der), timeout)).Der).BodyType);
        await Idle();
    }

    [Fact] // RFC 9483 §3.2, §4.1.2: a signer judged at the endpoint is judged again when the trust moved on before the registrar's turn
    public async Task A_signer_revoked_between_the_gate_and_the_registrar_is_refused()
    {
        var registrar = StartRegistrar();
        await Idle();
        var timeout = TimeSpan.FromSeconds(20);
        // Two domain certificates, enrolled with one-time secrets.
        var (oneKey, one) = await EnrollAsync(registrar, "CN=one");
        var (twoKey, two) = await EnrollAsync(registrar, "CN=two");
        Assert.True(Runtime.CmpGates.TryGetValue("plant", out var gate), "the ready registrar published no gate");

        var byOne = Cr(oneKey, one);
        var byTwo = Cr(twoKey, two);
        var aheadOne = gate!.CheckAhead(byOne.Der);
        var aheadTwo = gate.CheckAhead(byTwo.Der);
        Assert.Equal(CredentialKind.DomainCertificate, aheadOne!.Verdict!.Credential!.Kind); // judged valid at the gate
        Assert.Equal(CredentialKind.DomainCertificate, aheadTwo!.Verdict!.Credential!.Kind);

        // The first is revoked after the gate judged it and before the registrar reads the request: a new CRL, a new trust version.
        Assert.IsType<RevocationDone>(await Ca.Ask<object>(new RevokeCertificate(one.SerialNumber.Hex, Twin.Pki.Revocation.RevocationReason.KeyCompromise, "test"), RemainingOrDefault));
        Assert.Contains(Crls(), c => c.Find(one.SerialNumber) is not null);
        Assert.NotEqual(aheadOne.Verdict.TrustVersion, Runtime.Distribution.Version);

        var refused = CmpMessage.Decode((await gate.SendAsync(new CmpRequest(byOne.Der, "https:127.0.0.1"), aheadOne, timeout)).Der);
        Assert.Equal([CmpFailure.CertRevoked], refused.ErrorStatus().Failures);
        // The other, judged at the same older version, is judged again too, and still valid.
        var granted = CmpMessage.Decode((await gate.SendAsync(new CmpRequest(byTwo.Der, "https:127.0.0.1"), aheadTwo, timeout)).Der);
        Assert.Equal(CmpBodyType.Cp, granted.BodyType);
        await Idle();
    }

    private async Task<(KeyPair Key, Certificate Certificate)> EnrollAsync(IActorRef registrar, string subject)
    {
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("test"), RemainingOrDefault);
        var key = KeyGenerator.Generate(KeyAlgorithm.EcdsaP256);
        var ir = CmpRequests.CertRequest(CmpBodyType.Ir, Mac(secret), null, key, subject, implicitConfirm: true);
        return (key, Assert.Single((await Send(registrar, ir.Der)).CertResponses()).Certificate!);
    }

    private static CmpOutgoing Cr(KeyPair key, Certificate certificate) =>
        CmpRequests.CertRequest(CmpBodyType.Cr, new CmpSender(certificate.Subject, CmpProtector.Signature(key, certificate, null, PkiRandom.System), T0.Utc, PkiRandom.System),
            null, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), certificate.Subject, implicitConfirm: true);

    private List<Twin.Pki.Revocation.CertificateRevocationList> Crls() =>
        Runtime.Distribution.Snapshot().Entries.Select(e => e.Crl).OfType<byte[]>().Select(d => Twin.Pki.Revocation.CertificateRevocationList.FromDer(d)).ToList();

    [Fact] // RFC 9483 §3.5: a twin device's retransmission after a kill is answered as before; any other reuse of the transactionID is refused
    public async Task A_retransmission_of_a_decided_request_gets_the_same_certificate_and_journals_nothing()
    {
        var registrar = StartRegistrar();
        await Idle();
        var secret = await registrar.Ask<EnrollmentSecret>(new IssueEnrollmentSecret("sensor"), RemainingOrDefault);
        var ir = Ir(secret, "CN=sensor");
        var granted = CmpMessage.Decode((await registrar.Ask<CmpReply>(new CmpRequest(ir.Der, "entity:sensor"), RemainingOrDefault)).Der);
        var issued = Assert.Single(granted.CertResponses()).Certificate!;
        var revived = await RestartAsync(registrar);
        var journaled = (await EventQuery.AllAsync(Sys, Run)).Count;

        // The device never heard: the same bytes again, first sent at T0. Same certificate, protected with the same secret, nothing new journaled.
        var again = CmpMessage.Decode((await revived.Ask<CmpReply>(new CmpRequest(ir.Der, "entity:sensor") { FirstSentAt = T0 }, RemainingOrDefault)).Der);
        Assert.Equal(CmpBodyType.Ip, again.BodyType);
        Assert.Equal(issued.GetDer(), Assert.Single(again.CertResponses()).Certificate!.GetDer());
        Assert.True(again.VerifyMac(Encoding.ASCII.GetBytes(secret.Secret)));
        await Idle();
        Assert.Equal(journaled, (await EventQuery.AllAsync(Sys, Run)).Count);

        // The same bytes from outside the twin (no retransmission flag) are a reused transactionID.
        Assert.Equal([CmpFailure.TransactionIdInUse], (await Send(revived, ir.Der)).ErrorStatus().Failures);
        // The secret is recalled by the requester it was handed to, and only by it.
        Assert.IsType<EnrollmentSecretRefused>(await revived.Ask<object>(new RecallEnrollmentSecret("other", secret.Reference), RemainingOrDefault));
        var recalled = Assert.IsType<EnrollmentSecret>(await revived.Ask<object>(new RecallEnrollmentSecret("sensor", secret.Reference), RemainingOrDefault));
        Assert.Equal(secret.Secret, recalled.Secret);
    }

    private static CmpSender Mac(EnrollmentSecret secret) =>
        new("CN=device", CmpProtector.PasswordBasedMac(Encoding.UTF8.GetBytes(secret.Reference), Encoding.ASCII.GetBytes(secret.Secret), PkiRandom.System), T0.Utc, PkiRandom.System);

    private static CmpOutgoing Ir(EnrollmentSecret secret, string subject, bool implicitConfirm = true)
    {
        var from = new CmpSender(subject, CmpProtector.PasswordBasedMac(Encoding.UTF8.GetBytes(secret.Reference), Encoding.ASCII.GetBytes(secret.Secret), PkiRandom.System), T0.Utc, PkiRandom.System);
        return CmpRequests.CertRequest(CmpBodyType.Ir, from, null, KeyGenerator.Generate(KeyAlgorithm.EcdsaP256), subject, implicitConfirm: implicitConfirm);
    }

    private static async Task<CmpMessage> Send(IActorRef registrar, byte[] der) =>
        CmpMessage.Decode((await registrar.Ask<CmpReply>(new CmpRequest(der, "test"), TimeSpan.FromSeconds(20))).Der);
}
