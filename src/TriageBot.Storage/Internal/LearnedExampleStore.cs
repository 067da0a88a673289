using System.Data.Common;
using System.Runtime.InteropServices;
using TriageBot.Engine.Understanding;

namespace TriageBot.Storage.Internal;

/// <summary>
/// The Leads' learned examples. One row per (tenant, request); an upsert also bumps the tenant's change counter and
/// trims the tenant to its bound (oldest first), in one transaction. Vectors are stored as little-endian float32 blobs.
/// </summary>
internal sealed class LearnedExampleStore(Db db) : ILearnedExampleStore
{
    private const string Columns = "tenant, request_id, lead_id, topic_id, text, source, at, vector, vector_model";

    public Task UpsertAsync(LearnedExample example, int maxPerTenant, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(example);
        return db.WriteAsync(async (connection, tx, ct) =>
        {
            await Db.ExecuteAsync(connection, tx,
                $"INSERT INTO learned_examples ({Columns}) VALUES (@tenant, @request, @lead, @topic, @text, @source, @at, @vector, @model) " +
                "ON CONFLICT (tenant, request_id) DO UPDATE SET lead_id = excluded.lead_id, topic_id = excluded.topic_id, text = excluded.text, " +
                "source = excluded.source, at = excluded.at, vector = excluded.vector, vector_model = excluded.vector_model",
                ct,
                ("tenant", example.Tenant),
                ("request", db.Id(example.RequestId)),
                ("lead", example.LeadId),
                ("topic", example.TopicId),
                ("text", example.Text),
                ("source", example.Source.ToString()),
                ("at", db.Ts(example.At)),
                ("vector", example.Vector is { } v ? ToBytes(v) : null),
                ("model", example.VectorModel));

            // Keep the newest maxPerTenant: delete whatever is older than the maxPerTenant-th newest.
            await Db.ExecuteAsync(connection, tx,
                "DELETE FROM learned_examples WHERE tenant = @tenant AND request_id IN (" +
                "SELECT request_id FROM learned_examples WHERE tenant = @tenant ORDER BY at DESC, request_id DESC LIMIT 1000000 OFFSET @keep)",
                ct, ("tenant", example.Tenant), ("keep", maxPerTenant));
            await BumpAsync(connection, tx, example.Tenant, ct);
            return 0;
        }, ct);
    }

    public async Task<IReadOnlyList<LearnedExample>> ListAsync(string tenant, int limit, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        return await Db.QueryAsync(lease.Connection, null,
            $"SELECT {Columns} FROM learned_examples WHERE tenant = @tenant ORDER BY at DESC, request_id DESC LIMIT @limit", Map, ct,
            ("tenant", tenant), ("limit", limit));
    }

    public async Task<long> VersionAsync(string tenant, CancellationToken ct = default)
    {
        await using var lease = await db.OpenReadAsync(ct);
        var rows = await Db.QueryAsync(lease.Connection, null,
            "SELECT version FROM learned_versions WHERE tenant = @tenant", r => r.GetInt64(0), ct, ("tenant", tenant));
        return rows.Count == 0 ? 0 : rows[0];
    }

    public Task<bool> RemoveForRequestAsync(string tenant, Guid requestId, CancellationToken ct = default) =>
        db.WriteAsync(async (connection, tx, ct) =>
        {
            var deleted = await Db.ExecuteAsync(connection, tx,
                "DELETE FROM learned_examples WHERE tenant = @tenant AND request_id = @request", ct, ("tenant", tenant), ("request", db.Id(requestId)));
            if (deleted > 0)
            {
                await BumpAsync(connection, tx, tenant, ct);
            }

            return deleted > 0;
        }, ct);

    private static Task<int> BumpAsync(DbConnection connection, DbTransaction tx, string tenant, CancellationToken ct) =>
        Db.ExecuteAsync(connection, tx,
            "INSERT INTO learned_versions (tenant, version) VALUES (@tenant, 1) ON CONFLICT (tenant) DO UPDATE SET version = learned_versions.version + 1",
            ct, ("tenant", tenant));

    private LearnedExample Map(DbDataReader r) => new(
        Tenant: r.GetString(0),
        RequestId: db.ReadId(r, 1),
        LeadId: r.GetString(2),
        TopicId: r.GetString(3),
        Text: r.GetString(4),
        Source: Enum.TryParse<ExampleSource>(r.GetString(5), out var s) ? s : ExampleSource.Correction,
        At: db.ReadTs(r, 6),
        Vector: r.IsDBNull(7) ? null : FromBytes((byte[])r.GetValue(7)),
        VectorModel: Db.ReadNullableString(r, 8));

    internal static byte[] ToBytes(float[] vector)
    {
        var bytes = MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            for (var i = 0; i < bytes.Length; i += 4)
            {
                Array.Reverse(bytes, i, 4);
            }
        }

        return bytes;
    }

    internal static float[]? FromBytes(byte[] bytes)
    {
        if (bytes.Length % 4 != 0)
        {
            return null;
        }

        if (!BitConverter.IsLittleEndian)
        {
            bytes = (byte[])bytes.Clone();
            for (var i = 0; i < bytes.Length; i += 4)
            {
                Array.Reverse(bytes, i, 4);
            }
        }

        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
