package dev.aegis.store;

import java.util.List;

/**
 * The SHA-256 of each shipped migration script (of its bytes, in version order), per dialect: what a
 * database at the latest version has recorded in {@code schema_version}. A start compares the
 * recorded checksums with these instead of reading and hashing the 17 scripts (≈ 30–80 ms of an
 * interpreted start, docs/STARTUP.md). {@code MigrationsTest} checks them against the scripts; a new
 * migration adds its checksum here (the test prints it).
 */
final class ShippedChecksums {

    private static final List<String> SQLITE = List.of(
            "7574da4e4ebec5940642a85394eb8c8afeced681db8201facd21dfe6b35fea70",
            "ec13d77cfb718c4f7133d2e5623dfcb17e84d363af0ae6f2335f9d79563d8ddf",
            "557d1cf3e418c9c29ba0e1e6969aec1f5894ad8b4ba6385d38f6228db09e8d99",
            "4d8b829587dc0ec32a0fe808ebbf9e8957cf34f58535de198684b2ff08e6760e",
            "97d536415ed9689dcbaa2c1c068e845f0eb6027ec2eb4a2a538d7fd9b49e0a16",
            "d0ba04a9c7cd5c779b7e1e068711b70dcc1abe606cb5ac56967e76179a985482",
            "3c4894d48b9487e7c330d96a04593a12ed91334c2f2c8cba8b387b38ad2a16ce",
            "56a5869c2767d8f24846217c25c5af6bb3b7ed229fe7574e6ec4abf69975a325",
            "1ba3b35df1900fa683e5ca5e0e891e9264a62fcbffaf7f14cca84c5b550c6696",
            "5b7df722fc0cd0a8e23e435755a64f551bc01e6326d686cc4a2f003b10d31bdc",
            "33d2964e17c23435fa7ec02db90963cd69ae43636378f3a9b74fcd8256bc2dfc",
            "fe0860017fcb35abfa01bce79360b46057f0954f0b5d85bf7f08af59964ef8ea",
            "fab993d62bd885515d09a3a5fbd9e2d8eba2b4c932b04cb618eafdcdf1d577ec",
            "bc86a8e9b216c81c7714186dcacefb8108ecbe1e310d48c8d6f4bb665b309910",
            "13804849d8f69d53eb86ba785f4d28ed095a774138945fb22f9f24bfa10c42c5",
            "008b3b6ae9ebe1e8375a3375cb8f32f8ac14dd7813adf6c3383edcaa3231be5a",
            "1c739f97aeebf0b4a71785af0f2f46f7096f1e1c7119cf6ae158c3774d638125");

    private static final List<String> POSTGRESQL = List.of(
            "e0c8c1c48381b9e666a6eb929af2a65c56838773de1d72fd7cf117172b4607f9",
            "19abcff671f1044f12f5a5b3e7d9cab3bed5424306a6c5b7fb7e76f490ee38f2",
            "771d10bd83be439fa3e0e5f32cc38b34cf98cd9fb434c163f81f19295e7950a1",
            "dc70aa067e6fff031df79cbb00b3adf95bf53791fa81e1a997cd54b02a277ed3",
            "164d2c2f5a8f968eccbf0f32c13c5aa415c3471ba3c673301bfe9a5bdc2d3f27",
            "d0ba04a9c7cd5c779b7e1e068711b70dcc1abe606cb5ac56967e76179a985482",
            "e50cac5ba16f87d45a8a8e05cd6978f7222ddc542a3364a5d6e12156beebb83c",
            "d9594b6b3b8057b8925d130931924f8c912b6e21145aa2666fd529426a8175e3",
            "4504ae833a870d863f888a6a86ff04b3c26740c61d39b27b8d53a33157a9cc79",
            "60079d745366a36f461df9d71fe6f9a353f802e3ba4d9039265c3b8e8c88c1ba",
            "acc7bff8c971551b9e1b355cc407e6823a5c62bf83a255a77b945eea334e8dbf",
            "4929771986bc5d317880c8d284442e1df1eda7b78c328e49495a24890e34674e",
            "f8eb4d5500b4e78cff56514a72aa699a6bf38607777dcb96594abb3f5b72a392",
            "bd6a811b11ab20c7854fc69e4ceaa47bf777b9b80592dab32233f1ce690351b5",
            "6614e31877e84daed89f0583d7edb45969028f9da46dbf4d35ab6c0780993f56",
            "12061d9aa9bf5dd472a4f5f769bed497c77d04692df1cd420c80ebf8c15cfe1a",
            "ccc03bb534768011371bdac3b4de6ca86b2d0d817108f706c371194252b58efb");

    private ShippedChecksums() {}

    /** The checksums of this dialect's shipped scripts, version 1 first. */
    static List<String> of(Dialect dialect) {
        return switch (dialect) {
            case SQLITE -> SQLITE;
            case POSTGRESQL -> POSTGRESQL;
        };
    }
}
