using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Consumer;

public sealed class Recall
{
    public async Task<int> CopyAsync(Stream source, Stream target, CancellationToken cancellationToken)
    {
        var owner = MemoryPool<byte>.Shared.Rent(81920); // expect BND3005
        var read = await source.ReadAsync(owner.Memory, cancellationToken);
        await target.WriteAsync(owner.Memory.Slice(0, read), cancellationToken);
        owner.Dispose();
        return read;
    }

    public async Task ReadAllAsync(IEnumerable<string> paths, Stream target)
    {
        Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async path => await File.ReadAllBytesAsync(path)); // expect BND4002
        await target.FlushAsync();
    }
}
