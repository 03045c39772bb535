using Akka.Actor;
using Twin.Actors.Protocol.Commands;
using Twin.Pki.Brski;
using Twin.Pki.Certificates;
using Twin.Pki.Cmp;

namespace Twin.Actors.Entities.Registrar;

// BRSKI (RFC 8995) in process for the twin's pledges: the same checks and the same CMS bytes as /.well-known/brski/requestvoucher.
// The registrar judges the pledge's request (IDevID chain, serial, proximity), wraps it (§5.5), asks the manufacturer's MASA and
// journals the outcome in its audit trail. Manufacturers that sell to this domain are on its zero-touch allow-list.
public sealed partial class RegistrarActor
{
    // The MASA's answer to a voucher request the registrar forwarded.
    private sealed record MasaAnswered(string Who, string Serial, object Answer, Action<object> Reply, long Incarnation);

    private void BrskiBehaviour()
    {
        Command<BrskiHello>(_ =>
        {
            if (!_state.IsReady)
            {
                HoldCurrent(); // the pledge sees the registrar's certificate once it has one
                return;
            }
            ReplyChannel()(new BrskiRegistrarHello(_settings.Domain, _state.CertificateDer!));
        });
        Command<BrskiVoucherRequest>(HandleVoucherRequest);
        Command<MasaAnswered>(OnMasaAnswered);
    }

    /// <summary>The domain's settings with the IDevID CAs of the manufacturers that sell to it added to the allow-list.</summary>
    private RegistrarSettings WithManufacturers()
    {
        var cas = _runtime.ManufacturerCasFor(_settings.Domain);
        return cas.Count == 0 ? _settings : _settings with { AllowList = [.. _settings.AllowList, .. cas.Select(ca => new AllowListEntry(ca))] };
    }

    private void HandleVoucherRequest(BrskiVoucherRequest command)
    {
        if (!_state.IsReady)
        {
            HoldCurrent();
            return;
        }
        var reply = ReplyChannel();
        Certificate client;
        try
        {
            client = Certificate.FromDer(command.IdevidDer);
        }
        catch (Twin.Pki.PkiException e)
        {
            RefuseVoucher($"unauthenticated:{command.Origin}", e.Message, reply);
            return;
        }
        var who = $"idevid:{client.Subject}#{client.SerialNumber.Hex}";
        var settings = WithManufacturers();
        var anchors = settings.AllowList.Select(a => a.Anchor).ToList();
        var pledge = RegistrarVoucherRequests.ReadPledgeRequest(command.VoucherRequestCms, anchors, _state.Certificate!, _clock.Now.Utc);
        if (!pledge.Accepted)
        {
            RefuseVoucher(who, pledge.Problem!, reply);
            return;
        }
        if (!pledge.Idevid!.Equals(client))
        {
            RefuseVoucher(who, "the voucher request is signed by another IDevID than the TLS client's.", reply);
            return;
        }
        if (!settings.AllowList.Any(a => a.Admits(client, RegistrarPolicy.SanUris(client))))
        {
            RefuseVoucher(who, $"IDevID {client.Subject} is not on the allow-list of domain '{_settings.Domain}'.", reply);
            return;
        }
        var manufacturer = _runtime.Manufacturers.Values.FirstOrDefault(m => m.CaCertificateDer is { } ca && client.IsSignedBy(Certificate.FromDer(ca).PublicKey));
        if (manufacturer is null)
        {
            RefuseVoucher(who, $"no MASA is known for the manufacturer {client.Issuer}.", reply);
            return;
        }
        var request = RegistrarVoucherRequests.Create(command.VoucherRequestCms, pledge, _state.Certificate!, _key!, _clock.Now.Utc,
            _state.ChainDer.Select(d => Certificate.FromDer(d)), _entropy.For(Id, "voucher-request", Manufacturer.SignedArtefacts.Sha256(command.VoucherRequestCms)));
        var incarnation = BeginAway(MasaLabel); // until the MASA's answer is handled, max mode must not move time
        manufacturer.Actor.Ask<object>(new MasaVoucherRequest(_settings.Domain, request), CaTimeout).PipeTo(Self,
            success: answer => new MasaAnswered(who, pledge.Request!.SerialNumber, answer, reply, incarnation),
            failure: e => new MasaAnswered(who, pledge.Request!.SerialNumber, new MasaAnswer(false, null, $"the MASA did not answer: {e.Message}"), reply, incarnation));
    }

    private const string MasaLabel = "registrar-masa";

    private void OnMasaAnswered(MasaAnswered answered)
    {
        if (!Returned(MasaLabel, answered.Incarnation, afterStored: true)) return;
        try
        {
            if (answered.Answer is MasaAnswer { Issued: true, VoucherCms: { } voucher } granted)
                Decide(answered.Who, "brski:requestvoucher", Protocol.Events.RegistrarDecided.Granted, granted.Reason, "", [],
                    () => answered.Reply(new BrskiVoucherReply(true, voucher, granted.Reason)));
            else
                RefuseVoucher(answered.Who, $"the MASA refused serial-number {answered.Serial}: {(answered.Answer as MasaAnswer)?.Reason ?? answered.Answer.GetType().Name}", answered.Reply);
        }
        finally
        {
            DoneWhenStored(MasaLabel); // after the decision is stored
        }
    }

    private void RefuseVoucher(string who, string reason, Action<object> reply) =>
        Decide(who, "brski:requestvoucher", Protocol.Events.RegistrarDecided.Refused, reason, "", [], () => reply(new BrskiVoucherReply(false, null, reason)), CmpFailure.NotAuthorized);
}
