using Akka.Actor;
using Twin.Actors.Model;
using Twin.Actors.Protocol;
using Twin.Actors.Protocol.Events;
using Twin.Pki.Revocation;

namespace Twin.Actors.Projections;

/// <summary>The counts <see cref="RunMetrics"/> takes over every event of a run, in any order.</summary>
public sealed class RunCounts
{
    /// <summary>certificate.issued events.</summary>
    public int Issued { get; private set; }

    /// <summary>certificate.revoked events.</summary>
    public int Revocations { get; private set; }

    /// <summary>CRLs published.</summary>
    public int Crls { get; private set; }

    /// <summary>Entries of the largest CRL published.</summary>
    public int LargestCrl { get; private set; }

    /// <summary>CRLs that lapsed.</summary>
    public int Lapses { get; private set; }

    /// <summary>Counts <paramref name="e"/>.</summary>
    public void Add(ITwinEvent e)
    {
        switch (e)
        {
            case CertificateIssued: Issued++; break;
            case CertificateRevoked: Revocations++; break;
            case CrlPublished p:
                Crls++;
                LargestCrl = Math.Max(LargestCrl, CertificateRevocationList.FromDer(p.CrlDer).Entries.Count);
                break;
            case CrlLapsed: Lapses++; break;
        }
    }
}

/// <summary>
/// What the report needs of a run, gathered while its journal is read one event at a time: the counts, and only the
/// kinds of event the analyses (<see cref="RunAnalysis"/>, <see cref="ExpectationCheck"/>, <see cref="RunMetrics"/>)
/// read, without the payload they do not — a ten-year run is millions of events, most of them enrollment traffic.
/// </summary>
public sealed class RunRecord
{
    private readonly List<ITwinEvent> _analysed = [];

    /// <summary>The counts over every event.</summary>
    public RunCounts Counts { get; } = new();

    /// <summary>How many events the run journaled.</summary>
    public long Events { get; private set; }

    /// <summary>The events the analyses read, in journal order.</summary>
    public IReadOnlyList<ITwinEvent> Analysed => _analysed;

    /// <summary>Takes the next event in journal order.</summary>
    public void Add(ITwinEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Events++;
        Counts.Add(e);
        if (Kept(e) is { } kept) _analysed.Add(kept);
    }

    /// <summary>Reads <paramref name="run"/> from the journal page by page.</summary>
    public static async Task<RunRecord> ReadAsync(ActorSystem system, RunId run, CancellationToken token = default)
    {
        var record = new RunRecord();
        await EventQuery.ForEachAsync(system, run, (e, _) => record.Add(e), token).ConfigureAwait(false);
        return record;
    }

    /// <summary>
    /// <paramref name="e"/> as the analyses read it, or null when they do not read its kind. The issuer certificate of an
    /// installation and the CRL's bytes are left out: no analysis reads them (the CRL's size is in <see cref="Counts"/>).
    /// </summary>
    public static ITwinEvent? Kept(ITwinEvent e) => e switch
    {
        DeviceCertificateInstalled d => d with { IssuerCertificateDer = [] },
        CrlPublished p => p with { CrlDer = [] },
        ConnectionAttempted or TimelineStepApplied or RootCaCreated or SubordinateCaCertified or CaRolledOver or RootKeyUpdated
            or CaCompromised or CertificateRevoked or CrlLapsed or DeviceTrustListPulled or CertificateRecordsPurged
            or IdevidIssued or VoucherIssued or VoucherRefused or DeviceSecureBootChecked or MtpPackageJudged or AttackAttempted => e,
        _ => null,
    };
}
