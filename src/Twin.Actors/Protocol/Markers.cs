using Twin.Actors.Clock;
using Twin.Actors.Model;

namespace Twin.Actors.Protocol;

/// <summary>Anything written to the journal or snapshot store; serialized by manifest, never by .NET type name.</summary>
public interface ITwinPersisted;

/// <summary>A journaled event: it says which run, which entity and at which simulated instant.</summary>
public interface ITwinEvent : ITwinPersisted
{
    /// <summary>The run this event belongs to.</summary>
    RunId Run { get; }

    /// <summary>The simulated instant at which it happened.</summary>
    SimInstant At { get; }

    /// <summary>The entity that recorded it.</summary>
    EntityId Entity { get; }
}

/// <summary>The fixed, short name under which a persisted type is stored. Renaming the class must not change it.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class PersistedAsAttribute(string manifest) : Attribute
{
    /// <summary>The manifest written beside each payload.</summary>
    public string Manifest { get; } = manifest;
}

/// <summary>Commands to a certification authority entity.</summary>
public interface ICaCommand;

/// <summary>Commands to a device entity.</summary>
public interface IDeviceCommand;
