"""Run inside headless Blender by tests/suite/blender.rs:
    blender -b --factory-startup --python submit_scene.py -- ADDON.zip URL TOKEN FARM_DIR
Installs and enables the add-on, builds a small scene, fills the panel's fields and runs the
submit operator; prints one line `WARREN-RESULT {json}`."""

import json
import os
import sys

import bpy

zip_path, url, token, farm_dir = sys.argv[sys.argv.index("--") + 1:]

bpy.ops.preferences.addon_install(filepath=zip_path, overwrite=True)
bpy.ops.preferences.addon_enable(module="warren_submit")
prefs = bpy.context.preferences.addons["warren_submit"].preferences
prefs.master_url = url
prefs.token = token
prefs.farm_dir = farm_dir

scene = bpy.context.scene
scene.render.engine = "CYCLES"
scene.cycles.device = "CPU"
scene.cycles.samples = 1
# Debian's Blender is built without OpenImageDenoise.
scene.cycles.use_denoising = False
scene.render.resolution_x = 64
scene.render.resolution_y = 48
scene.render.resolution_percentage = 100
scene.render.fps = 4
scene.render.fps_base = 1.0
scene.frame_start = 1
scene.frame_end = 4
cube = bpy.data.objects.get("Cube")
if cube is not None:
    cube.rotation_euler = (0, 0, 0)
    cube.keyframe_insert("rotation_euler", frame=1)
    cube.rotation_euler = (0, 0, 1.5)
    cube.keyframe_insert("rotation_euler", frame=4)
bpy.ops.wm.save_as_mainfile(filepath=os.path.join(farm_dir, "shot.blend"))

settings = scene.warren
settings.title = "blender add-on e2e"
settings.frames_per_task = 2
settings.priority = 70
settings.encode_movie = True
result = bpy.ops.warren.submit()
submitted = [item.job_id for item in settings.recent]
# The status list: the user's newest jobs, read from the farm.
listed = bpy.ops.warren.refresh()
print("WARREN-RESULT " + json.dumps({
    "result": sorted(result),
    "last_job": settings.last_job,
    "url": settings.last_url,
    "recent": submitted,
    "refreshed": sorted(listed),
    "listed": [{"id": item.job_id, "state": item.state} for item in settings.recent],
}))
sys.stdout.flush()
