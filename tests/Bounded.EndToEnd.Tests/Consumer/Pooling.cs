using System;
using System.Buffers;
using System.IO;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Consumer;

public sealed class Pooling
{
    private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
    private int _saved;

    public int Saved => _saved;

    // One ArrayPool rule per file: with BND3002 and BND3003 sites in one file, dotnet format applied only the
    // fix of whichever rule it ran first (the other diagnostic's span was stale after the first edit).
    public void Send(Socket socket, string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var buffer = ArrayPool<byte>.Shared.Rent(length); // expect BND3003
        var written = Encoding.UTF8.GetBytes(text, buffer);
        socket.Send(buffer, 0, written, SocketFlags.None);
        ArrayPool<byte>.Shared.Return(buffer);
    }

    public async Task SaveAsync(Stream destination, byte[] payload, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken); // expect-strict BND1004
        await destination.WriteAsync(payload, cancellationToken);
        _saved++;
        _gate.Release();
    }
}
