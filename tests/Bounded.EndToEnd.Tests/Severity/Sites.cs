using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Severity;

/// <summary>One site each of two Concurrency rules (one off, one Info by default), a Memory and a Queues rule. The test writes it as BulkSites.cs, CategorySites.cs and IdSites.cs, whose severities .editorconfig configures.</summary>
public sealed class Sites
{
    private readonly Channel<string> _events = Channel.CreateUnbounded<string>(); // site BND4001
    private readonly SemaphoreSlim _gate = new SemaphoreSlim(4);

    public async Task ReadAllAsync(IEnumerable<string> paths)
    {
        var tasks = new List<Task<string>>();
        foreach (var path in paths)
        {
            tasks.Add(Task.Run(() => File.ReadAllText(path))); // site BND1001
        }

        await Task.WhenAll(tasks);
        _events.Writer.TryWrite("read");
    }

    public async Task<string> GatedAsync(string path, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken); // site BND1004
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public string Fingerprint(Stream stream, int size)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            stream.ReadExactly(buffer, 0, size);
            return Convert.ToHexString(SHA256.HashData(buffer)); // site BND3002
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
