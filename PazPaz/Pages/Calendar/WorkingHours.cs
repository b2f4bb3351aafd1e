namespace PazPaz.Pages.Calendar;

/// <summary>
/// The hours the calendar shades as working time, until they become a workspace setting: Monday to Friday
/// 09:00–17:00, weeks starting on Monday; practices in Israel work Sunday to Thursday 08:00–18:00, weeks starting on Sunday.
/// </summary>
public sealed record WorkingHours(DayOfWeek FirstDayOfWeek, DayOfWeek[] Days, TimeOnly Start, TimeOnly End)
{
    public static readonly WorkingHours Default = new(DayOfWeek.Monday,
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday], new(9, 0), new(17, 0));

    public static readonly WorkingHours Israel = new(DayOfWeek.Sunday,
        [DayOfWeek.Sunday, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday], new(8, 0), new(18, 0));

    public static WorkingHours For(string timeZoneId) => timeZoneId is "Asia/Jerusalem" or "Asia/Tel_Aviv" ? Israel : Default;

    public bool IsWorkingDay(DateOnly date) => Days.Contains(date.DayOfWeek);

    public DateOnly WeekStart(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek - (int)FirstDayOfWeek + 7) % 7));
}
