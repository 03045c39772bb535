namespace Twin.Actors.Entities.Authority;

/// <summary>
/// Snapshots of the CA's state. The state grows with what the CA issued (every serial stays known, so none is reused
/// and OCSP can tell "unknown" from "good"), so a snapshot at a fixed event count would serialize that whole list again
/// and again: the bytes written grow with the square of a run's length (a 10,000-device plant's issuing CA would write
/// gigabytes of snapshots). Instead the gap between snapshots grows with the state — at least
/// <see cref="SnapshotEvery"/> events, at least a quarter of the serials issued — so all snapshots together stay a small
/// multiple of the last one, and recovery replays at most a quarter of the CA's issuance on top of its newest snapshot.
/// </summary>
public sealed partial class CaActor
{
    private const int SnapshotEvery = 100;
    private long _snapshotAt;

    private long SnapshotGap => Math.Max(SnapshotEvery, _state.Serials.Count / 4);

    // After an event is stored: save a snapshot once the gap since the last one is reached.
    private void SnapshotWhenDue()
    {
        if (LastSequenceNr - _snapshotAt < SnapshotGap) return;
        _snapshotAt = LastSequenceNr;
        SaveSnapshot(_state);
    }
}
