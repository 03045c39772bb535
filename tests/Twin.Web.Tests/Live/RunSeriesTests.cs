using Twin.Actors.Projections;
using Twin.Pki.Revocation;
using Twin.Web.Live;
using Twin.Web.Tests.Support;

namespace Twin.Web.Tests.Live;

public sealed class RunSeriesTests
{
    [Fact]
    public void The_series_counts_certificates_by_status_issuance_availability_outage_by_cause_and_CRL_size_per_interval()
    {
        var plant = new PlantEvents();
        plant.Issue("pea-001", PlantEvents.At(0), TimeSpan.FromHours(10));
        var stolen = plant.Issue("pea-002", PlantEvents.At(0), TimeSpan.FromDays(10));
        plant.Attempt("pea-002", PlantEvents.At(1), 0, "Good");
        plant.Revoke(stolen, PlantEvents.At(1.5), RevocationReason.KeyCompromise);
        plant.Attempt("pea-002", PlantEvents.At(2), 0x801D0000, "BadCertificateRevoked");
        plant.Attempt("pea-002", PlantEvents.At(3), 0x801D0000, "BadCertificateRevoked");
        plant.Issue("pea-002", PlantEvents.At(4), TimeSpan.FromDays(10));
        plant.Attempt("pea-002", PlantEvents.At(4), 0, "Good");

        var series = RunSeries.Fold(plant.Events, PlantEvents.At(0), PlantEvents.At(10), 10);

        Assert.Equal(10, series.Points.Count);
        Assert.Equal(["BadCertificateRevoked"], series.Causes);
        // The root CA's own certificate is in use throughout and counts as valid.
        var p1 = series.Points[0];   // (0 h, 1 h]: two certificates issued, one good attempt
        Assert.Equal((2, 3, 100.0), (p1.Issued, p1.Valid, p1.Availability!.Value));
        var p2 = series.Points[1];   // (1 h, 2 h]: pea-002 revoked, refused at 2 h
        Assert.Equal((1, 2, 0.0, 1), (p2.Revoked, p2.Valid, p2.Availability!.Value, p2.CrlEntries));
        Assert.Null(series.Points[4].Availability);
        Assert.Equal(60, series.Points[2].OutageMinutesByCause["BadCertificateRevoked"]);
        Assert.Equal(120, series.Points[9].OutageMinutesByCause["BadCertificateRevoked"]);
        Assert.Equal(1, series.Points[3].Issued);
        var last = series.Points[9];  // at 10 h pea-001's certificate has no time left; pea-002 holds a new valid one
        Assert.Equal((2, 1, 0, 0), (last.Valid, last.Expiring, last.Expired, last.Revoked));
    }

    [Fact]
    public void Severity_marks_refusals_and_lapses_as_errors_and_revocations_as_warnings()
    {
        var plant = new PlantEvents();
        var serial = plant.Issue("pea-001", PlantEvents.At(0), TimeSpan.FromDays(1));
        plant.Attempt("pea-001", PlantEvents.At(1), 0, "Good");
        plant.Revoke(serial, PlantEvents.At(2), RevocationReason.KeyCompromise);
        plant.Attempt("pea-001", PlantEvents.At(3), 0x801D0000, "BadCertificateRevoked");
        var levels = plant.Snapshot().RecentEvents.Select(e => (e.Kind, EventSeverity.Of(e))).ToList();

        Assert.Contains(("pol.attempt", EventLevel.Info), levels);
        Assert.Contains(("pol.attempt", EventLevel.Error), levels);
        Assert.Contains(("ca.revoked", EventLevel.Warning), levels);
        Assert.Contains(("ca.issued", EventLevel.Info), levels);
    }
}
