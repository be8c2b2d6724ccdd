namespace CommunityAI.ServiceDefaults.Http;

/// <summary>
/// One page of a list, checked the same way by every list endpoint: pages count from 1, the page size is bounded,
/// and the offset cannot overflow (a page of int.MaxValue used to wrap <c>(page - 1) * pageSize</c> negative and
/// fail deep inside the query with a 500).
/// </summary>
public readonly record struct PageRequest(int Page, int PageSize)
{
    /// <summary>How many items come before this page.</summary>
    public int Skip => (Page - 1) * PageSize;

    /// <summary>The page, or null with the broken rules added to <paramref name="errors"/> under <c>page</c> and <c>pageSize</c>.</summary>
    public static PageRequest? TryCreate(int page, int pageSize, int maxPageSize, IDictionary<string, string[]> errors)
    {
        var sizeOk = pageSize >= 1 && pageSize <= maxPageSize;
        if (!sizeOk)
            errors["pageSize"] = [$"must be between 1 and {maxPageSize}"];

        // In long arithmetic: for a page size of 1 the last page is int.MaxValue, and int.MaxValue / 1 + 1 wrapped negative,
        // refusing every page of one item.
        var lastPage = (int)Math.Min((long)int.MaxValue / Math.Max(pageSize, 1) + 1, int.MaxValue);
        var pageOk = page >= 1 && (!sizeOk || page <= lastPage);
        if (!pageOk)
            errors["page"] = [sizeOk ? $"must be between 1 and {lastPage} for a page size of {pageSize}" : "must be at least 1"];

        return sizeOk && pageOk ? new PageRequest(page, pageSize) : null;
    }
}
