{
  # lobsim_pgo: "" (a plain build), "generate" (only the instrumented training program of the
  # profile-guided build) or "use" (the addon, its core compiled with the training's profile).
  # scripts/build-addon.mjs drives the three. After it, a bare `node-gyp build` of an edited core
  # still reads the old profile: a function that no longer matches it is compiled without one (a
  # warning, not an error); `npm run build:addon` trains again.
  "variables": {
    "lobsim_pgo%": "",
    "lobsim_core_sources": ["<!@(node -e \"for(const f of require('fs').readdirSync('native/core'))if(f.endsWith('.cpp'))console.log('native/core/'+f)\")"]
  },
  "target_defaults": {
    "include_dirs": ["native/core"],
    "cflags_cc": ["-std=c++20", "-O3", "-fno-plt", "-fno-semantic-interposition", "-Wall", "-Wextra"],
    "cflags_cc!": ["-std=gnu++17", "-fno-exceptions"],
    # Node's common.gypi keeps frame pointers; the flattened matching path wants rbp as a register
    # (bench:book's core: 1.013 to 1.027 times as fast without them, medians of 10 process pairs).
    "cflags!": ["-fno-exceptions", "-fno-omit-frame-pointer"]
  },
  "conditions": [
    ["lobsim_pgo=='generate'", {
      "targets": [
        {
          "target_name": "lobsim_pgo_train",
          "type": "executable",
          "sources": ["<@(lobsim_core_sources)", "native/pgo/train.cpp"],
          "cflags_cc": ["-fprofile-generate", "-fprofile-update=single"],
          "ldflags": ["-fprofile-generate", "-pthread"]
        }
      ]
    }, {
      "targets": [
        {
          "target_name": "lobsim",
          "sources": [
            "<!@(node -e \"for(const f of require('fs').readdirSync('native/addon'))if(f.endsWith('.cpp'))console.log('native/addon/'+f)\")",
            "<@(lobsim_core_sources)"
          ],
          "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
          "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except_all"],
          "defines": ["NAPI_VERSION=8"],
          "conditions": [
            ["lobsim_pgo=='use'", {
              "cflags_cc": ["-fprofile-use", "-fprofile-partial-training", "-Wno-missing-profile", "-Wno-error=coverage-mismatch"]
            }]
          ]
        }
      ]
    }]
  ]
}
