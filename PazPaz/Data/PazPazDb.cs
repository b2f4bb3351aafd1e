using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using PazPaz.Auth;
using PazPaz.Data.Configurations;
using PazPaz.Domain;
using PazPaz.Security;

namespace PazPaz.Data;

public sealed class PazPazDb(DbContextOptions<PazPazDb> options, CurrentUser currentUser, FieldEncryptor encryptor, TimeProvider clock)
    : DbContext(options), IDataProtectionKeyContext
{
    /// <summary>Named query filters; <c>IgnoreQueryFilters([WallFilter])</c> is for operators and jobs only.</summary>
    public const string WallFilter = "workspace-wall";
    public const string NotDeletedFilter = "not-deleted";

    public DbSet<Workspace> Workspaces => Set<Workspace>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<Service> Services => Set<Service>();
    public DbSet<Location> Locations => Set<Location>();
    public DbSet<Appointment> Appointments => Set<Appointment>();
    public DbSet<AppointmentSeries> AppointmentSeries => Set<AppointmentSeries>();
    public DbSet<TimeOff> TimeOff => Set<TimeOff>();
    public DbSet<TimeOffSeries> TimeOffSeries => Set<TimeOffSeries>();
    public DbSet<SessionNote> SessionNotes => Set<SessionNote>();
    public DbSet<SessionNoteVersion> SessionNoteVersions => Set<SessionNoteVersion>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<UserNotificationSettings> NotificationSettings => Set<UserNotificationSettings>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<CalendarFeed> CalendarFeeds => Set<CalendarFeed>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<NotificationDelivery> NotificationDeliveries => Set<NotificationDelivery>();
    public DbSet<SignInLink> SignInLinks => Set<SignInLink>();
    public DbSet<TotpBackupCode> TotpBackupCodes => Set<TotpBackupCode>();
    public DbSet<UserSession> UserSessions => Set<UserSession>();
    public DbSet<SignInCounter> SignInCounters => Set<SignInCounter>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<BlockedAddress> BlockedAddresses => Set<BlockedAddress>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Read by every query filter; EF turns it into a parameter per query.</summary>
    private Guid? WallWorkspaceId => currentUser.WorkspaceId;

    internal CurrentUser Actor => currentUser;
    internal TimeProvider Clock => clock;

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.ApplyConfiguration(new WorkspaceConfiguration());
        model.ApplyConfiguration(new UserConfiguration(encryptor));
        model.ApplyConfiguration(new ClientConfiguration(encryptor));
        model.ApplyConfiguration(new ServiceConfiguration());
        model.ApplyConfiguration(new LocationConfiguration());
        model.ApplyConfiguration(new AppointmentConfiguration(encryptor));
        model.ApplyConfiguration(new AppointmentSeriesConfiguration());
        model.ApplyConfiguration(new TimeOffConfiguration(encryptor));
        model.ApplyConfiguration(new TimeOffSeriesConfiguration());
        model.ApplyConfiguration(new SessionNoteConfiguration(encryptor));
        model.ApplyConfiguration(new SessionNoteVersionConfiguration(encryptor));
        model.ApplyConfiguration(new AttachmentConfiguration(encryptor));
        model.ApplyConfiguration(new UserNotificationSettingsConfiguration());
        model.ApplyConfiguration(new AuditEventConfiguration());
        model.ApplyConfiguration(new CalendarFeedConfiguration());
        model.ApplyConfiguration(new ApiTokenConfiguration());
        model.ApplyConfiguration(new NotificationDeliveryConfiguration());
        model.ApplyConfiguration(new SignInLinkConfiguration());
        model.ApplyConfiguration(new TotpBackupCodeConfiguration());
        model.ApplyConfiguration(new UserSessionConfiguration());
        model.ApplyConfiguration(new SignInCounterConfiguration());
        model.ApplyConfiguration(new InvitationConfiguration());
        model.ApplyConfiguration(new BlockedAddressConfiguration());

        // The workspace wall: one filter per workspace-owned table, all reading the same request value.
        model.Entity<Workspace>().HasQueryFilter(WallFilter, w => w.Id == WallWorkspaceId);
        Wall<User>(model);
        Wall<Client>(model);
        Wall<Service>(model);
        Wall<Location>(model);
        Wall<Appointment>(model);
        Wall<AppointmentSeries>(model);
        Wall<TimeOff>(model);
        Wall<TimeOffSeries>(model);
        Wall<SessionNote>(model);
        Wall<SessionNoteVersion>(model);
        Wall<Attachment>(model);
        Wall<UserNotificationSettings>(model);
        Wall<CalendarFeed>(model);
        Wall<ApiToken>(model);
        Wall<NotificationDelivery>(model);
        Wall<TotpBackupCode>(model);
        Wall<UserSession>(model);
        model.Entity<AuditEvent>().HasQueryFilter(WallFilter, a => a.WorkspaceId == WallWorkspaceId);
        // A therapist's invitation has no practice until it is accepted: only operators (IgnoreQueryFilters) see it.
        model.Entity<Invitation>().HasQueryFilter(WallFilter, i => i.WorkspaceId != null && i.WorkspaceId == WallWorkspaceId);

        model.Entity<Appointment>().HasQueryFilter(NotDeletedFilter, a => a.DeletedAt == null);
        model.Entity<TimeOff>().HasQueryFilter(NotDeletedFilter, t => t.DeletedAt == null);
        model.Entity<SessionNote>().HasQueryFilter(NotDeletedFilter, n => n.DeletedAt == null);
        model.Entity<Attachment>().HasQueryFilter(NotDeletedFilter, a => a.DeletedAt == null);
    }

    private void Wall<T>(ModelBuilder model) where T : class, IWorkspaceOwned =>
        model.Entity<T>().HasQueryFilter(WallFilter, e => e.WorkspaceId == WallWorkspaceId);

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BeforeSave();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BeforeSave();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void BeforeSave()
    {
        var now = clock.GetUtcNow();
        foreach (var entry in ChangeTracker.Entries())
        {
            // Second layer of the wall: a write can only touch the caller's own workspace.
            if (entry.Entity is IWorkspaceOwned owned && currentUser.WorkspaceId is { } wall &&
                entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && owned.WorkspaceId != wall)
                throw new InvalidOperationException($"Refused to write a {entry.Metadata.ClrType.Name} of another workspace.");

            var created = entry.Metadata.FindProperty("CreatedAt");
            var updated = entry.Metadata.FindProperty("UpdatedAt");
            if (entry.State == EntityState.Added)
            {
                if (created is not null && (DateTimeOffset)entry.CurrentValues[created]! == default) entry.CurrentValues[created] = now;
                if (updated is not null) entry.CurrentValues[updated] = now;
            }
            else if (entry.State == EntityState.Modified && updated is not null)
            {
                entry.CurrentValues[updated] = now;
            }
        }
    }
}
