using System.Data.Common;

namespace TriageBot.Storage.Internal;

/// <summary>
/// Deletes in bounded chunks, each its own write: a first purge of a large backlog never holds SQLite's write lock
/// (or a PostgreSQL transaction) long enough to delay a Slack acknowledgement.
/// </summary>
internal static class Retention
{
    public const int ChunkSize = 1000;

    public static async Task<int> DeleteInChunksAsync(Db db, Func<DbConnection, DbTransaction?, CancellationToken, Task<int>> deleteChunk, CancellationToken ct)
    {
        var total = 0;
        int deleted;
        do
        {
            deleted = await db.WriteStatementAsync(deleteChunk, ct);
            total += deleted;
        }
        while (deleted == ChunkSize && !ct.IsCancellationRequested);

        return total;
    }
}
