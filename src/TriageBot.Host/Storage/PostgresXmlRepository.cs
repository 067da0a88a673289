using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace TriageBot.Host.Storage;

/// <summary>
/// Keeps the ASP.NET Core Data Protection key ring in PostgreSQL so every replica can decrypt the Slack tokens any
/// other replica encrypted. Trade-off: a database dump then holds both the encrypted tokens and the keys; protect the
/// backups (or add ProtectKeysWith… in a deployment that has a certificate or a KMS).
/// </summary>
internal sealed class PostgresXmlRepository(string connectionString) : IXmlRepository
{
    private const string Table = "triagebot_dataprotection_keys";
    private int _tableReady;

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        EnsureTable();
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"SELECT xml FROM {Table} ORDER BY id", connection);
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        EnsureTable();
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand(
            $"INSERT INTO {Table} (friendly_name, xml, created_at) VALUES (@name, @xml, now()) ON CONFLICT (friendly_name) DO NOTHING",
            connection);
        command.Parameters.AddWithValue("name", friendlyName);
        command.Parameters.AddWithValue("xml", element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }

    private void EnsureTable()
    {
        if (Volatile.Read(ref _tableReady) == 1)
        {
            return;
        }

        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var tx = connection.BeginTransaction();

        // Replicas start together: serialise the CREATE so concurrent ones do not collide in the catalog.
        using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock(hashtext('{Table}'))", connection, tx))
        {
            lockCommand.ExecuteNonQuery();
        }

        using (var create = new NpgsqlCommand(
            $"CREATE TABLE IF NOT EXISTS {Table} (id bigserial PRIMARY KEY, friendly_name text NOT NULL UNIQUE, xml text NOT NULL, created_at timestamptz NOT NULL)",
            connection,
            tx))
        {
            create.ExecuteNonQuery();
        }

        tx.Commit();
        Volatile.Write(ref _tableReady, 1);
    }
}
