using PazPaz.Domain;

namespace PazPaz.Tests.Domain;

public sealed class ClientTests
{
    private static readonly DateOnly Today = new(2026, 3, 10);
    private static readonly Guid Workspace = Guid.NewGuid();

    [Fact]
    public void A_valid_client_has_no_problems_and_is_saved_trimmed()
    {
        var details = new ClientDetails(" Noa ", " Cohen ", " noa@example.com ", " 050 ", Today, "  ", " Asthma ", Tags: [" knee ", "", "Knee", "sports"]);

        Assert.Empty(Client.Problems(details, Today));
        var client = Client.Create(Workspace, details, Today);

        Assert.Equal(("Noa", "Cohen", "noa@example.com", "050", (string?)null, "Asthma"),
            (client.FirstName, client.LastName, client.Email, client.Phone, client.Address, client.MedicalHistory));
        Assert.Equal(["knee", "sports"], client.Tags);
        Assert.True(client.IsActive);
    }

    [Fact]
    public void Every_problem_is_named_by_its_field()
    {
        var details = new ClientDetails("", new string('x', 256), "noa@", new string('1', 51), Today.AddDays(1),
            EmergencyContactPhone: new string('2', 51), Tags: [new string('t', 51)]);

        var problems = Client.Problems(details, Today);

        Assert.Equal(["DateOfBirth", "Email", "EmergencyContactPhone", "FirstName", "LastName", "Phone", "Tags"], problems.Keys.Order());
        Assert.Equal("Enter a first name.", problems["FirstName"]);
    }

    [Fact]
    public void A_birth_date_may_be_today_but_not_tomorrow_or_before_1900()
    {
        Assert.Empty(Client.Problems(new ClientDetails("Noa", "Cohen", DateOfBirth: Today), Today));
        Assert.Contains("DateOfBirth", Client.Problems(new ClientDetails("Noa", "Cohen", DateOfBirth: Today.AddDays(1)), Today).Keys);
        Assert.Contains("DateOfBirth", Client.Problems(new ClientDetails("Noa", "Cohen", DateOfBirth: new DateOnly(1899, 12, 31)), Today).Keys);
    }

    [Fact]
    public void An_update_with_problems_changes_nothing()
    {
        var client = Client.Create(Workspace, new ClientDetails("Noa", "Cohen", "noa@example.com"), Today);

        var error = Assert.Throws<DomainException>(() => client.Update(client.Details() with { FirstName = "Noga", Email = "bad" }, Today));

        Assert.Contains("e-mail", error.Message);
        Assert.Equal(("Noa", "noa@example.com"), (client.FirstName, client.Email));
    }

    [Fact]
    public void Details_round_trip_so_a_partial_update_keeps_the_rest()
    {
        var client = Client.Create(Workspace, new ClientDetails("Noa", "Cohen", "noa@example.com", Notes: "Mornings", Tags: ["a"],
            ConsentToStoreData: true, HideNameOutsidePazPaz: true), Today);

        client.Update(client.Details() with { Phone = "050" }, Today);

        Assert.Equal(("noa@example.com", "050", "Mornings", true, true), (client.Email, client.Phone, client.Notes, client.ConsentToStoreData, client.HideNameOutsidePazPaz));
        Assert.Equal(["a"], client.Tags);
    }

    [Fact]
    public void Too_many_tags_are_refused()
    {
        var tags = Enumerable.Range(1, Client.MaxTags + 1).Select(i => $"tag{i}").ToList();
        Assert.Contains("Tags", Client.Problems(new ClientDetails("Noa", "Cohen", Tags: tags), Today).Keys);
    }

    [Fact]
    public void Comma_separated_tags_are_split_trimmed_and_deduplicated()
    {
        Assert.Equal(["sports", "Knee"], Client.ParseTags(" sports, Knee,, SPORTS ,"));
        Assert.Empty(Client.ParseTags(null));
    }

    [Fact]
    public void Archiving_and_restoring_flip_the_active_flag()
    {
        var client = Client.Create(Workspace, "Noa", "Cohen");
        client.Archive();
        Assert.False(client.IsActive);
        client.Restore();
        Assert.True(client.IsActive);
    }

    [Fact]
    public void Initials_are_what_privacy_minded_views_show()
    {
        Assert.Equal("N.C.", Client.Create(Workspace, "noa", "cohen").Initials);
    }
}
