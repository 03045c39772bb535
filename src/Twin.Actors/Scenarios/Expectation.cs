namespace Twin.Actors.Scenarios;

/// <summary>
/// Something a scenario promises about its run, checked against the journal: each is decided at a
/// simulated instant — the moment it was met, the moment it was broken, or the end of the run.
/// </summary>
public abstract record Expectation
{
    /// <summary>Where it stands in the file, for messages ("expect[2]").</summary>
    public required string Label { get; init; }

    /// <summary>One line for reports, e.g. "pea-002 refused with BadCertificateRevoked by P2DT2H".</summary>
    public abstract string Describe();
}

/// <summary>The POL is refused by <paramref name="Pea"/> with <paramref name="Status"/> no later than <paramref name="By"/> after the start.</summary>
public sealed record RefusedExpectation(string Pea, string Status, TimeSpan By) : Expectation
{
    /// <inheritdoc />
    public override string Describe() => $"POL refused by {Pea} with {Status} by {Iso.Format(By)}";
}

/// <summary>Every attempt of the POL on <paramref name="Pea"/> between <paramref name="From"/> and <paramref name="Until"/> (after the start) establishes a session.</summary>
public sealed record ConnectedExpectation(string Pea, TimeSpan From, TimeSpan? Until) : Expectation
{
    /// <inheritdoc />
    public override string Describe() => $"POL connected to {Pea} on every attempt from {Iso.Format(From)}{(Until is { } u ? " until " + Iso.Format(u) : " to the end")}";
}

/// <summary>The share of good attempts (on one link, or on all links together) is at least <paramref name="Min"/>.</summary>
public sealed record AvailabilityExpectation(double Min, string? Pea) : Expectation
{
    /// <inheritdoc />
    public override string Describe() => $"availability of {(Pea is null ? "all links" : "POL–" + Pea)} ≥ {Min:P3}";
}

/// <summary>No outage of the given cause, on any link or any entity's certificate.</summary>
public sealed record NoOutageExpectation(OutageCause Cause) : Expectation
{
    /// <inheritdoc />
    public override string Describe() => $"no outage caused by {OutageCauses.Name(Cause)}";
}

/// <summary>From a compromise (a revoke step on the timeline) to the POL's first refusal of that PEA takes at most <paramref name="Max"/>.</summary>
public sealed record ExposureWindowExpectation(TimeSpan Max, string? Pea) : Expectation
{
    /// <inheritdoc />
    public override string Describe() => $"exposure window {(Pea is null ? "of every compromised PEA" : "of " + Pea)} ≤ {Iso.Format(Max)}";
}

/// <summary>The CA's CRL lapses (passes nextUpdate without a successor) no later than <paramref name="By"/> after the start — or, with <paramref name="Never"/>, not at all.</summary>
public sealed record CrlLapsedExpectation(string Ca, TimeSpan? By, bool Never) : Expectation
{
    /// <inheritdoc />
    public override string Describe() => Never ? $"CRL of {Ca} never lapses" : $"CRL of {Ca} lapses by {Iso.Format(By!.Value)}";
}

/// <summary>Why a link or a certificate was out of service, grouped from the OPC UA status codes.</summary>
public enum OutageCause
{
    /// <summary>A certificate in the path had expired (or was not yet valid); or an entity's certificate expired before its successor was installed.</summary>
    Expiry,
    /// <summary>A certificate in the path was revoked.</summary>
    Revocation,
    /// <summary>Revocation could not be checked: no current CRL.</summary>
    Crl,
    /// <summary>The path did not lead to a trusted CA, or the certificate was refused as such.</summary>
    Trust,
    /// <summary>Anything else (the server could not be reached, a protocol error).</summary>
    Other,
    /// <summary>Any cause at all.</summary>
    Any,
}

/// <summary>Maps OPC UA status names to outage causes.</summary>
public static class OutageCauses
{
    /// <summary>The cause of a refused attempt with status <paramref name="status"/>.</summary>
    public static OutageCause Of(string status) => status switch
    {
        "BadCertificateTimeInvalid" or "BadCertificateIssuerTimeInvalid" => OutageCause.Expiry,
        "BadCertificateRevoked" or "BadCertificateIssuerRevoked" => OutageCause.Revocation,
        "BadCertificateRevocationUnknown" or "BadCertificateIssuerRevocationUnknown" => OutageCause.Crl,
        "BadCertificateUntrusted" or "BadCertificateChainIncomplete" or "BadSecurityChecksFailed" or "BadCertificateInvalid"
            or "BadCertificateUseNotAllowed" or "BadCertificateIssuerUseNotAllowed" or "BadCertificateUriInvalid" or "BadCertificateHostNameInvalid"
            or "BadCertificatePolicyCheckFailed" => OutageCause.Trust,
        _ => OutageCause.Other,
    };

    /// <summary>The name scenario files use.</summary>
    public static string Name(OutageCause cause) => cause.ToString().ToLowerInvariant();

    /// <summary>Every name scenario files may use.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<OutageCause>().Select(Name).ToList();
}

/// <summary>ISO 8601 durations as scenario files write them.</summary>
public static class Iso
{
    /// <summary>"P2DT2H", "PT6H", "P0D".</summary>
    public static string Format(TimeSpan span) => span == TimeSpan.Zero ? "PT0S" : System.Xml.XmlConvert.ToString(span);
}
