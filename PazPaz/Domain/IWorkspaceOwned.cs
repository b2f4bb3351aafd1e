namespace PazPaz.Domain;

/// <summary>Rows that live inside one workspace's wall; the DbContext filters and stamps them.</summary>
public interface IWorkspaceOwned
{
    Guid WorkspaceId { get; }
}
