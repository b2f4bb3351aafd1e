namespace PazPaz.Api;

/// <summary>The list shape every paginated endpoint answers: items, total, page, page_size, total_pages.</summary>
public sealed record PagedList<T>(List<T> Items, int Total, int Page, int PageSize, int TotalPages);
