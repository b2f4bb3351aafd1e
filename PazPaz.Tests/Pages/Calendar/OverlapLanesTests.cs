using PazPaz.Domain;
using PazPaz.Pages.Calendar;

namespace PazPaz.Tests.Pages.Calendar;

public sealed class OverlapLanesTests
{
    private static IndexModel.Placed Block(string from, string to)
    {
        int Minute(string t) => (int)TimeSpan.Parse(t).TotalMinutes;
        var day = new DateTime(2026, 3, 10);
        var entry = new IndexModel.Entry(Guid.NewGuid(), day.AddMinutes(Minute(from)), day.AddMinutes(Minute(to)), "Noa Cohen", null,
            AppointmentStatus.Scheduled, NoteMark.None);
        return new IndexModel.Placed(entry, Minute(from), Minute(to));
    }

    [Fact]
    public void Only_the_blocks_that_overlap_share_the_width()
    {
        var (nine, nineThirty, eleven) = (Block("09:00", "10:00"), Block("09:30", "10:30"), Block("11:00", "12:00"));

        IndexModel.AssignLanes([eleven, nineThirty, nine]);

        Assert.Equal((0, 2), (nine.Lane, nine.Lanes));
        Assert.Equal((1, 2), (nineThirty.Lane, nineThirty.Lanes));
        Assert.Equal((0, 1), (eleven.Lane, eleven.Lanes)); // the whole width, though the morning has two lanes
    }

    [Fact]
    public void A_chain_of_overlaps_is_one_group_and_a_lane_is_reused_once_free()
    {
        // 10:00–10:10 starts as 09:00–10:00 ends (touching is not overlapping), so both take lane 0, then 10:15–11:00 does.
        var blocks = new[] { Block("09:00", "10:00"), Block("09:30", "10:30"), Block("10:15", "11:00"), Block("10:00", "10:10") };

        IndexModel.AssignLanes([.. blocks]);

        Assert.Equal([0, 1, 0, 0], blocks.Select(b => b.Lane));
        Assert.All(blocks, b => Assert.Equal(2, b.Lanes));
    }
}
