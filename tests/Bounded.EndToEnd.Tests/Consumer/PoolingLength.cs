using System;
using System.Buffers;
using System.IO;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Consumer;

public sealed class PoolingLength
{
    public string Fingerprint(Stream stream, int size)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            stream.ReadExactly(buffer, 0, size);
            return Convert.ToHexString(SHA256.HashData(buffer)); // expect BND3002
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task CopyAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer, 0, buffer.Length, cancellationToken)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
