using Pipelines.Video.Faces;

namespace Pipelines.Video.Tests.Faces;

[TestFixture]
public sealed class IouTrackerTests
{
    [Test]
    public void Two_faces_moving_slowly_keep_their_tracks()
    {
        var tracker = new IouTracker();
        for (int f = 0; f < 10; f++)
        {
            // Listed in changing order: the match is by overlap, not by position in the list.
            var a = new FaceBox(10 + 3 * f, 10, 60, 60);
            var b = new FaceBox(300 - 2 * f, 40, 80, 80);
            tracker.Update(f, f / 10.0, f % 2 == 0 ? new[] { a, b } : new[] { b, a });
        }

        Assert.That(tracker.Tracks, Has.Count.EqualTo(2));
        Assert.That(tracker.Tracks.Select(t => t.Faces.Count), Is.EqualTo(new[] { 10, 10 }));
        Assert.That(tracker.Tracks[0].Faces.All(x => x.Box.Width == 60), Is.True);
        Assert.That(tracker.Tracks[1].Faces.All(x => x.Box.Width == 80), Is.True);
    }

    [Test]
    public void A_short_gap_continues_a_track_and_a_long_gap_starts_a_new_one()
    {
        var tracker = new IouTracker { MaxMissedFrames = 2 };
        var box = new FaceBox(50, 50, 40, 40);
        tracker.Update(0, 0, new[] { box });
        tracker.Update(1, 0.1, Array.Empty<FaceBox>());
        tracker.Update(2, 0.2, Array.Empty<FaceBox>());
        var joined = tracker.Update(3, 0.3, new[] { box });   // missed 2 frames: same track
        Assert.That(joined[0].Id, Is.EqualTo(1));

        for (int f = 4; f < 7; f++)
        {
            tracker.Update(f, f / 10.0, Array.Empty<FaceBox>());
        }

        joined = tracker.Update(7, 0.7, new[] { box });   // missed 3 frames: a new track
        Assert.That(joined[0].Id, Is.EqualTo(2));
    }

    [Test]
    public void A_jump_across_the_frame_is_a_different_face()
    {
        var tracker = new IouTracker();
        tracker.Update(0, 0, new[] { new FaceBox(0, 0, 50, 50) });
        var joined = tracker.Update(1, 0.04, new[] { new FaceBox(200, 200, 50, 50) });

        Assert.That(joined[0].Id, Is.EqualTo(2));
        Assert.That(tracker.Tracks, Has.Count.EqualTo(2));
    }
}
