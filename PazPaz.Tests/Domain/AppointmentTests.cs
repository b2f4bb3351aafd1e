using PazPaz.Domain;

namespace PazPaz.Tests.Domain;

public sealed class AppointmentTests
{
    private static readonly DateTimeOffset Nine = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    /// <summary>The session has taken place: every status may be reached by the rules alone.</summary>
    private static readonly DateTimeOffset AfterIt = Nine.AddHours(2);

    private static Appointment NewAppointment(AppointmentStatus status = AppointmentStatus.Scheduled)
    {
        var appointment = Appointment.Create(Guid.NewGuid(), Guid.NewGuid(), Nine, Nine.AddHours(1), LocationType.Clinic);
        if (status == AppointmentStatus.Scheduled) return appointment;
        appointment.ChangeStatus(status, hasSessionNote: false, AfterIt);
        return appointment;
    }

    public static TheoryData<AppointmentStatus, AppointmentStatus, bool, bool> Transitions()
    {
        const AppointmentStatus S = AppointmentStatus.Scheduled, C = AppointmentStatus.Completed,
            X = AppointmentStatus.Cancelled, N = AppointmentStatus.NoShow;
        return new()
        {
            // from, to, has session note, allowed
            { S, C, false, true }, { S, X, false, true }, { S, N, false, true },
            { C, N, false, true }, { C, X, false, true }, { C, X, true, false }, { C, S, false, false },
            { X, S, false, true }, { X, C, false, false }, { X, N, false, false },
            { N, S, false, true }, { N, C, false, true }, { N, X, false, false },
        };
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Status_changes_follow_the_transition_rules(AppointmentStatus from, AppointmentStatus to, bool hasNote, bool allowed)
    {
        var appointment = NewAppointment(from);
        if (allowed)
        {
            appointment.ChangeStatus(to, hasNote, AfterIt);
            Assert.Equal(to, appointment.Status);
        }
        else
        {
            var refused = Assert.Throws<DomainException>(() => appointment.ChangeStatus(to, hasNote, AfterIt));
            Assert.False(string.IsNullOrWhiteSpace(refused.Message));
            Assert.Equal(from, appointment.Status);
        }
    }

    [Theory]
    [InlineData(AppointmentStatus.Completed, "marked completed once it has started")]
    [InlineData(AppointmentStatus.NoShow, "marked a no-show once it has started")]
    public void A_session_still_to_come_cannot_be_completed_or_missed_yet(AppointmentStatus to, string says)
    {
        var appointment = NewAppointment();
        Assert.Contains(says, appointment.WhyNot(to, hasSessionNote: false, Nine.AddMinutes(-1)));
        Assert.Contains(says, Assert.Throws<DomainException>(() => appointment.ChangeStatus(to, false, Now)).Message);
        Assert.Equal(AppointmentStatus.Scheduled, appointment.Status);
        // From its first minute on, it can.
        Assert.Null(appointment.WhyNot(to, hasSessionNote: false, Nine));
        Assert.Null(appointment.WhyNot(AppointmentStatus.Cancelled, hasSessionNote: false, Now));
    }

    [Fact]
    public void A_refusal_explains_itself()
    {
        Assert.Contains("session note", Appointment.WhyNot(AppointmentStatus.Completed, AppointmentStatus.Cancelled, hasSessionNote: true));
        Assert.Contains("cannot go back to scheduled", Appointment.WhyNot(AppointmentStatus.Completed, AppointmentStatus.Scheduled, false));
    }

    [Fact]
    public void An_edit_that_changes_values_counts_once_and_bumps_the_sequence_once()
    {
        var appointment = NewAppointment();
        var changed = appointment.Edit(new AppointmentEdit
        {
            Start = Nine.AddHours(1), End = Nine.AddHours(2), LocationType = LocationType.Online, Notes = Optional<string?>.Of("Bring the X-ray"),
        }, Now);

        Assert.True(changed);
        Assert.Equal((1, 1, Now), (appointment.EditCount, appointment.Sequence, appointment.EditedAt!.Value));
        Assert.Equal(Nine.AddHours(1), appointment.ScheduledStart);
        Assert.Equal(LocationType.Online, appointment.LocationType);
    }

    [Fact]
    public void An_edit_that_changes_nothing_changes_nothing()
    {
        var appointment = NewAppointment();
        var changed = appointment.Edit(new AppointmentEdit { Start = Nine, End = Nine.AddHours(1), LocationType = LocationType.Clinic }, Now);

        Assert.False(changed);
        Assert.Equal((0, 0), (appointment.EditCount, appointment.Sequence));
        Assert.Null(appointment.EditedAt);
    }

    [Fact]
    public void A_notes_only_edit_is_tracked_but_invisible_to_calendar_subscribers()
    {
        var appointment = NewAppointment();
        appointment.Edit(new AppointmentEdit { Notes = Optional<string?>.Of("Prefers the window room") }, Now);
        Assert.Equal((1, 0), (appointment.EditCount, appointment.Sequence));
    }

    [Fact]
    public void Clearing_the_service_is_a_visible_change()
    {
        var appointment = Appointment.Create(Guid.NewGuid(), Guid.NewGuid(), Nine, Nine.AddHours(1), LocationType.Clinic, serviceId: Guid.NewGuid());
        appointment.Edit(new AppointmentEdit { ServiceId = Optional<Guid?>.Of(null) }, Now);
        Assert.Null(appointment.ServiceId);
        Assert.Equal(1, appointment.Sequence);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-30)]
    [InlineData(24 * 60 + 1)]
    public void Times_must_make_sense(int minutes)
    {
        Assert.Throws<DomainException>(() => Appointment.Create(Guid.NewGuid(), Guid.NewGuid(), Nine, Nine.AddMinutes(minutes), LocationType.Clinic));
        var appointment = NewAppointment();
        Assert.Throws<DomainException>(() => appointment.Reschedule(Nine, Nine.AddMinutes(minutes), Now));
        Assert.Equal(Nine.AddHours(1), appointment.ScheduledEnd);
    }

    [Fact]
    public void A_full_day_is_allowed()
    {
        var appointment = Appointment.Create(Guid.NewGuid(), Guid.NewGuid(), Nine, Nine.AddHours(24), LocationType.Home);
        Assert.Equal(TimeSpan.FromHours(24), appointment.ScheduledEnd - appointment.ScheduledStart);
    }

    [Fact]
    public void Times_are_stored_in_utc()
    {
        var local = new DateTimeOffset(2026, 3, 10, 11, 0, 0, TimeSpan.FromHours(2));
        var appointment = Appointment.Create(Guid.NewGuid(), Guid.NewGuid(), local, local.AddHours(1), LocationType.Clinic);
        Assert.Equal(TimeSpan.Zero, appointment.ScheduledStart.Offset);
        Assert.Equal(Nine, appointment.ScheduledStart);
    }

    [Fact]
    public void Delete_and_undelete_are_visible_to_subscribers()
    {
        var appointment = NewAppointment();
        appointment.Delete(Now);
        Assert.True(appointment.IsDeleted);
        appointment.Undelete(Now);
        Assert.False(appointment.IsDeleted);
        Assert.Equal(2, appointment.Sequence);
    }

    [Fact]
    public void Only_scheduled_and_completed_appointments_hold_their_slot()
    {
        Assert.True(NewAppointment(AppointmentStatus.Scheduled).BlocksTime);
        Assert.True(NewAppointment(AppointmentStatus.Completed).BlocksTime);
        Assert.False(NewAppointment(AppointmentStatus.Cancelled).BlocksTime);
        Assert.False(NewAppointment(AppointmentStatus.NoShow).BlocksTime);
    }
}
