using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Twin.Actors.Control;
using Twin.Actors.Projections;
using Twin.Web.Access;
using Twin.Web.Live;

namespace Twin.Web.Tests.Support;

/// <summary>A bUnit context with the dashboard's services over a fake twin built from <see cref="PlantEvents"/>.</summary>
public abstract class DashboardTestContext : BunitContext
{
    internal FakeControl Control { get; } = new();

    internal FakeModel Model { get; private set; } = null!;

    internal FakeJournal Journal { get; private set; } = null!;

    internal LiveRunNotice Notice { get; } = new();

    internal void UsePlant(PlantEvents plant, bool canControl, DashboardOptions? options = null)
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Model = new FakeModel(plant.Snapshot());
        Services.AddMudServices();
        Services.AddSingleton(options ?? new DashboardOptions());
        Services.AddSingleton<ITwinControl>(Control);
        Services.AddSingleton<IPlantReadModel>(Model);
        Journal = new FakeJournal(plant.Journal());
        Services.AddSingleton<IRunJournal>(Journal);
        Services.AddSingleton(Notice);
        var access = new DashboardAccess();
        access.Set(new AccessDecision(canControl, canControl ? "test: may act" : "test: read-only"));
        Services.AddSingleton(access);
        Services.AddScoped<DashboardActions>();
        Services.AddScoped<PlantViewState>();
    }
}
