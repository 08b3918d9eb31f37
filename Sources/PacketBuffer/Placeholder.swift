enum PacketBufferPlaceholder {}
